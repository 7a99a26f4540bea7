"""factory_boy factories for the whole suite: one module per app's models.

* ``tests.factories.products``: catalogs, categories, products, attributes (and a small
  catalog with words worth searching for).
* ``tests.factories.users``: ``UserFactory`` (every test's user) and its ``PASSWORD``.
* ``tests.factories.customers``: address book entries.
* ``tests.factories.orders``: orders and their lines, and a typed-in ``ADDRESS``.
* ``tests.factories.ratings``: ratings and reviews.

Modules are imported by name (``from tests.factories.products import ProductFactory``), so a
test of one app does not import the models of optional apps it does not use.
"""
