"""Coleman: small reusable Django apps that together make a web store.

Each sub-package solves one problem (``products``, ``customers``, ``cart``, ``orders``,
``payments``, ``ratings``, ``search`` …). A project chooses which ones to install.
"""

__version__ = "0.1.0"
