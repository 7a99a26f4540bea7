"""The product catalog: catalogs, their category trees, products and free-form attributes."""
