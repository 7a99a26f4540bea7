"""How ratings are told to people and scripts: counts and averages as text, the JSON payload of
the rating endpoint, and where an anonymous shopper logs in.

The views and the template tags both use these, so neither imports the other.
"""

from django.contrib.auth.views import redirect_to_login
from django.urls import NoReverseMatch

from .models import MAX_STARS


def plural(count: int, word: str) -> str:
    """``1 rating``, ``2 ratings``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def average_display(summary) -> str:
    """The average to one decimal place without a trailing ``.0`` (``3.5``, ``4``), or ``""``."""
    average = summary.average
    if average is None:
        return ""
    return f"{average:.1f}".removesuffix(".0")


def average_label(summary) -> str:
    """What the average stars say to a screen reader."""
    if not summary.rating_count:
        return "Not rated yet"
    return f"Rated {average_display(summary)} out of {MAX_STARS}"


def rating_payload(summary, stars) -> dict:
    """What the rating view answers to scripts: the new average, the count and the user's stars."""
    return {
        "stars": stars,
        "average": None if summary.average is None else str(summary.average),
        "average_display": average_display(summary),
        "average_label": average_label(summary),
        "average_percent": summary.average_percent,
        "count": summary.rating_count,
        "count_display": plural(summary.rating_count, "rating"),
        "max_stars": MAX_STARS,
    }


def login_redirect_url(next_url: str) -> str | None:
    """The login page's address with ``next``; ``None`` while no login page is configured."""
    try:
        return redirect_to_login(next_url).url
    except NoReverseMatch:
        return None


__all__ = ["average_display", "average_label", "login_redirect_url", "plural", "rating_payload"]
