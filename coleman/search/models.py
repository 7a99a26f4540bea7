"""The search app keeps no tables of its own.

Its one migration adds a GIN index to the products table for PostgreSQL full-text search.
"""
