"""How ratings are told to people and scripts: counts and averages as text, the JSON payload of
the rating endpoint, and where an anonymous shopper logs in.

The views and the template tags both use these, so neither imports the other. Texts are in
the active language.
"""

from django.contrib.auth.views import redirect_to_login
from django.urls import NoReverseMatch
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import MAX_STARS


def _count(count: int) -> str:
    return number_format(count, force_grouping=True)


def count_of_ratings(count: int) -> str:
    """``1 rating``, ``1,024 ratings``."""
    return ngettext("%(count)s rating", "%(count)s ratings", count) % {"count": _count(count)}


def count_of_reviews(count: int) -> str:
    """``1 review``, ``3 reviews``."""
    return ngettext("%(count)s review", "%(count)s reviews", count) % {"count": _count(count)}


def count_of_stars(count: int) -> str:
    """``1 star``, ``4 stars``."""
    return ngettext("%(count)s star", "%(count)s stars", count) % {"count": _count(count)}


def average_display(summary) -> str:
    """The average to one decimal place without a trailing ``.0`` (``3.5``, ``4``), or ``""``."""
    average = summary.average
    if average is None:
        return ""
    return f"{average:.1f}".removesuffix(".0")


def rated_label(average, out_of=MAX_STARS) -> str:
    """What stars filled to ``average`` say to a screen reader: ``Rated 3.5 out of 5``."""
    return _("Rated %(average)s out of %(max)s") % {"average": average, "max": out_of}


def average_label(summary) -> str:
    """What the average stars say to a screen reader."""
    if not summary.rating_count:
        return _("Not rated yet")
    return rated_label(average_display(summary))


def rating_payload(summary, stars) -> dict:
    """What the rating view answers to scripts: the new average, the count and the user's stars."""
    return {
        "stars": stars,
        "average": None if summary.average is None else str(summary.average),
        "average_display": average_display(summary),
        "average_label": average_label(summary),
        "average_percent": summary.average_percent,
        "count": summary.rating_count,
        "count_display": count_of_ratings(summary.rating_count),
        "max_stars": MAX_STARS,
    }


def login_redirect_url(next_url: str) -> str | None:
    """The login page's address with ``next``; ``None`` while no login page is configured."""
    try:
        return redirect_to_login(next_url).url
    except NoReverseMatch:
        return None


__all__ = [
    "average_display",
    "average_label",
    "count_of_ratings",
    "count_of_reviews",
    "count_of_stars",
    "login_redirect_url",
    "rated_label",
    "rating_payload",
]
