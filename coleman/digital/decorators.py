"""``subscription_required``: pages only subscribers may open."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse

from .models import SubscriptionPlan
from .services import has_subscription


def subscription_required(group_name):
    """Decorate a view so only customers with a running subscription granting the group
    ``group_name`` (a callable returning the name is read per request) get it.

    Anonymous visitors are sent to log in and brought back; logged-in customers without the
    subscription get a 403 page that says what to buy. The check reads the subscriptions
    themselves, so access ends at the subscription's end even before ``expire_subscriptions``
    has run.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            name = group_name() if callable(group_name) else group_name
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_subscription(request.user, name):
                plans = SubscriptionPlan.objects.filter(group__name=name, product__is_active=True).select_related(
                    "product"
                )
                return TemplateResponse(
                    request, "digital/subscription_required.html", {"group_name": name, "plans": plans}, status=403
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


__all__ = ["subscription_required"]
