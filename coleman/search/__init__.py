"""Product search for the Coleman store (book chapter 6).

Pluggable backends (Haystack with Whoosh or Xapian, the book's simple database search,
PostgreSQL full-text search, Sphinx) behind one results page at ``/search/``.
"""
