"""Fixtures of the catalog tests: a small CranStore with a category tree."""
