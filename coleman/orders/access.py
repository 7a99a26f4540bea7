"""Who may see an order: the public rule every app's pages use.

A customer sees the orders they placed while logged in; a guest sees the orders this browser
session placed or looked up (by number and email). Payment returns, download pages and the
order pages all ask :func:`can_view`; pages that place or find an order call
:func:`remember_order`.
"""

VIEWABLE_ORDERS_KEY = "coleman_orders_viewable"
MAX_VIEWABLE_ORDERS = 20


def remember_order(request, order):
    """Let this browser session view ``order`` (guests who placed or looked it up)."""
    numbers = [n for n in request.session.get(VIEWABLE_ORDERS_KEY, []) if isinstance(n, str) and n != order.number]
    request.session[VIEWABLE_ORDERS_KEY] = [order.number, *numbers][:MAX_VIEWABLE_ORDERS]


def can_view(request, order) -> bool:
    """True for the customer who placed ``order``, or a session that placed or looked it up."""
    if order.user_id is not None and request.user.is_authenticated and order.user_id == request.user.pk:
        return True
    if order.user_id is None or not request.user.is_authenticated:
        return order.number in request.session.get(VIEWABLE_ORDERS_KEY, [])
    return False


__all__ = ["can_view", "remember_order"]
