"""The store's data API (book ch. 7): Django REST framework at ``/api/``."""
