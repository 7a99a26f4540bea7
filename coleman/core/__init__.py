"""Pieces every Coleman app shares: money rounding, the ``|currency`` filter, the store
context processor and the request guards."""
