"""Digital delivery through a payment service: a seam the digital app fills.

A service such as Google Checkout (Digital Delivery) shows the buyer what a digital line
delivers right after the payment: a license key, a link, a description, or a notice that the
merchant will email instructions. Payments comes before digital in the apps' order, so it
never imports the digital app: the digital app registers a *provider* in its
``AppConfig.ready()``::

    register_digital_content_provider(digital_content_for_order, app="coleman.digital")

A provider is ``provider(order, *, request=None) -> {order line pk: content}`` where each
content has ``method`` (:data:`EMAIL`, :data:`KEY_URL` or :data:`DESCRIPTION`),
``description``, ``url`` (absolute, '' when none) and ``key`` ('' when none). Only providers
whose app is installed answer (as with :mod:`coleman.core.panels`); with none, processors fall
back to e-mail delivery (the merchant sends the instructions).
"""

from dataclasses import dataclass

from django.apps import apps

#: The three delivery methods of Google Checkout's Digital Delivery.
EMAIL = "email"
KEY_URL = "key_url"
DESCRIPTION = "description"
METHODS = (EMAIL, KEY_URL, DESCRIPTION)


@dataclass(frozen=True)
class Provider:
    """A function of the app ``app`` (its dotted name) that describes an order's digital lines."""

    app: str
    function: object


_providers: list[Provider] = []


def register_digital_content_provider(function, *, app):
    """Register ``function`` for the app ``app`` (registering twice changes nothing)."""
    provider = Provider(app=app, function=function)
    if provider not in _providers:
        _providers.append(provider)


def unregister_digital_content_provider(function):
    """Remove ``function`` (for tests and projects that replace it)."""
    _providers[:] = [provider for provider in _providers if provider.function is not function]


def digital_content_for_order(order, *, request=None) -> dict:
    """``{line pk: content}`` for ``order``'s digital lines from the first installed provider ({} when none)."""
    for provider in _providers:
        if apps.is_installed(provider.app):
            return dict(provider.function(order, request=request))
    return {}


__all__ = [
    "DESCRIPTION",
    "EMAIL",
    "KEY_URL",
    "METHODS",
    "digital_content_for_order",
    "register_digital_content_provider",
    "unregister_digital_content_provider",
]
