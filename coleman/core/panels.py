"""Panels: the one way an optional app adds its part to another app's page or email.

A page offers a named *slot* (``{% panels "orders.order_detail" %}`` from ``{% load coleman %}``);
an app fills it by registering a template in its ``AppConfig.ready()``::

    register_panel("orders.order_detail", "digital/panels/order_detail.html", app="coleman.digital")

The tag renders, in registration order, the templates of the apps that are installed at that
moment (``apps.is_installed``), each with the page's own context. The page's app never names
the apps that fill its slots, and removing an app from the settings removes its panels.

Slots offered today: ``orders.order_detail`` (an order's page, also where payment returns land),
``orders.email.paid`` (the plain-text email sent when an order is paid),
``customers.profile`` (the customer's account page), ``products.product_detail.price`` (under
a product page's price) and ``cart.cart_detail.total`` (under the cart's totals).
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Panel:
    """A template that an app (``app``, its dotted name) adds to a slot."""

    app: str
    template_name: str


_registry: dict[str, list[Panel]] = {}


def register_panel(slot, template_name, *, app):
    """Add ``template_name`` to ``slot`` for the app ``app`` (registering twice changes nothing)."""
    panel = Panel(app=app, template_name=template_name)
    panels = _registry.setdefault(slot, [])
    if panel not in panels:
        panels.append(panel)


def unregister_panel(slot, template_name):
    """Remove ``template_name`` from ``slot`` (for tests and projects that replace a panel)."""
    _registry[slot] = [panel for panel in _registry.get(slot, []) if panel.template_name != template_name]


def panels_for(slot) -> list[str]:
    """Template names registered for ``slot`` by apps that are installed now."""
    return [panel.template_name for panel in _registry.get(slot, []) if apps.is_installed(panel.app)]


__all__ = ["Panel", "panels_for", "register_panel", "unregister_panel"]
