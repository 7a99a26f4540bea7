"""The processor registry: which payment processors this store offers.

``COLEMAN_PAYMENTS_PROCESSORS`` lists dotted paths of :class:`~.base.PaymentProcessor`
subclasses, in the order shoppers see them. Each is loaded with ``import_string`` and
instantiated once per distinct setting value. Bad entries raise
:class:`~coleman.payments.exceptions.ImproperlyConfiguredProcessor` here and are reported by
the system checks (``coleman.E101``–``E103``) at start-up.
"""

from functools import lru_cache

from django.utils.module_loading import import_string

from coleman.conf import coleman_settings

from ..exceptions import ImproperlyConfiguredProcessor, ProcessorNotFound
from .base import PaymentProcessor

__all__ = ["PaymentProcessor", "get_processor", "get_processors", "load_processor"]


def load_processor(dotted_path):
    """Import ``dotted_path`` and return an instance of the processor class it names."""
    try:
        cls = import_string(dotted_path)
    except ImportError as exc:
        raise ImproperlyConfiguredProcessor(f"Cannot import payment processor {dotted_path!r}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, PaymentProcessor)):
        raise ImproperlyConfiguredProcessor(f"{dotted_path!r} is not a PaymentProcessor subclass.")
    if not cls.name:
        raise ImproperlyConfiguredProcessor(f"{dotted_path!r} has no name.")
    return cls()


@lru_cache(maxsize=8)
def _load_all(paths):
    processors = {}
    for dotted_path in paths:
        processor = load_processor(dotted_path)
        if processor.name in processors:
            raise ImproperlyConfiguredProcessor(f"Two payment processors are named {processor.name!r}.")
        processors[processor.name] = processor
    return processors


def get_processors():
    """``{name: processor}`` of the installed processors, in setting order."""
    return dict(_load_all(tuple(coleman_settings.PAYMENTS_PROCESSORS)))


def get_processor(name):
    """The installed processor called ``name``; raises :class:`ProcessorNotFound` otherwise."""
    try:
        return get_processors()[name]
    except KeyError:
        raise ProcessorNotFound(f"No payment processor is called {name!r}.") from None
