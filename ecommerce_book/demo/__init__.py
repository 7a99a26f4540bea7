"""The CranStore.com demo of the book: its catalog, pictures and a staff login, for trying the
store (``make run``), for the tests and for the benchmarks. Installed by the dev and test
settings only; never part of the reusable ``coleman`` apps.

* ``data``: the demo as tables (catalogs, categories, attributes, products).
* ``pictures``: drawing a product's picture.
* ``loader``: ``load_cranstore()``, which creates what is missing of the tables.
* ``filler``: numbered filler products in bulk, for a large catalog.
* ``manage.py load_cranstore [--extra N] [--no-photos]`` and ``manage.py demo_staff``.
"""
