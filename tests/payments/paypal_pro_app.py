"""The app config under which the tests install django-paypal's ``paypal.pro`` (test settings only).

django-paypal ships no AppConfig and its migrations use ``AutoField`` ids, while the project's
``DEFAULT_AUTO_FIELD`` is ``BigAutoField``: without this config ``makemigrations --check``
would ask for a migration inside the installed package.
"""

from django.apps import AppConfig


class PayPalProConfig(AppConfig):
    """``paypal.pro`` with the id field its own migrations create."""

    name = "paypal.pro"
    label = "pro"
    default_auto_field = "django.db.models.AutoField"
