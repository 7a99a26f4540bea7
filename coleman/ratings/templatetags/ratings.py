"""Template tags of the ratings app: ``{% load ratings %}``.

- ``{% attach_rating_summaries products %}`` reads the summaries of a whole list in one
  query (put it above the loop);
- ``{% rating_tool object %}``, ``{% rating_summary object %}``, ``{% reviews_section object %}``
  render the star tool, a card's read-only stars with its summary and the reviews of an object;
- ``{% ratings_assets %}`` links the app's CSS (and with ``script=True`` its JS) once per page.
"""

from urllib.parse import urlencode

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from .. import services
from ..forms import ReviewForm
from ..models import MAX_STARS, MIN_STARS
from ..presentation import (
    average_display,
    average_label,
    count_of_ratings,
    count_of_reviews,
    count_of_stars,
    login_redirect_url,
    rated_label,
)

register = template.Library()


@register.simple_tag
def attach_rating_summaries(objects):
    """Attach ``rating_summary`` to every object of a list with one query; renders nothing.

    ``objects`` is a list or a queryset; a queryset is evaluated here and keeps its
    results, so the template's loop afterwards reads the same objects without a query.
    """
    if objects:
        services.attach_summaries(objects)
    return ""


@register.inclusion_tag("ratings/_stars.html")
def stars(summary):
    """Read-only stars filled to the average of ``summary``, labelled for screen readers."""
    return {"percent": summary.average_percent, "label": average_label(summary)}


@register.inclusion_tag("ratings/_stars.html")
def stars_given(value):
    """Read-only stars for one rating (of a review)."""
    return {"percent": round(value * 100 / MAX_STARS), "label": rated_label(value)}


def star_buttons(obj, filled_up_to, pressed=None, next_url=""):
    """The five "Rate n stars" targets of ``obj``: value, label, URL and whether lit or pressed."""
    label = obj._meta.label_lower
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return [
        {
            "value": n,
            "label": ngettext("Rate %(count)s star", "Rate %(count)s stars", n) % {"count": n},
            "url": reverse("ratings:rate", kwargs={"model": label, "object_id": obj.pk, "rating": n}) + query,
            "filled": filled_up_to is not None and n <= filled_up_to,
            "pressed": n == pressed,
        }
        for n in range(MIN_STARS, MAX_STARS + 1)
    ]


@register.inclusion_tag("ratings/rating_tool.html", takes_context=True)
def rating_tool(context, obj):
    """The interactive star tool with the object's average and number of ratings."""
    request = context.get("request")
    user = getattr(request, "user", None)
    summary = services.summary_for(obj)
    given = services.user_rating(user, obj)
    return {
        "object": obj,
        "summary": summary,
        "average_display": average_display(summary),
        "count_display": count_of_ratings(summary.rating_count),
        "user_rating": given,
        "user_rating_display": count_of_stars(given) if given else "",
        "buttons": star_buttons(obj, given, pressed=given),
        "next": request.get_full_path() if request else "",
        "is_authenticated": bool(user and user.is_authenticated),
        "request": request,
    }


@register.inclusion_tag("ratings/summary.html", takes_context=True)
def rating_summary(context, obj):
    """A product card's rating, read-only: stars filled to the average, the average, the number
    of ratings and of reviews (shoppers rate on the product page).

    Cards are cached for every visitor, so nothing here depends on the user.
    """
    summary = services.summary_for(obj)
    return {
        "summary": summary,
        "request": context.get("request"),
        "average_display": average_display(summary),
        "count_display": count_of_ratings(summary.rating_count),
        "review_display": count_of_reviews(summary.review_count),
    }


@register.inclusion_tag("ratings/reviews_section.html", takes_context=True)
def reviews_section(context, obj):
    """The object's published reviews and, for customers, the form to write one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    reviews, own = services.reviews_to_show(obj, user if authenticated else None)
    summary = services.summary_for(obj)
    form = None
    if authenticated:
        initial = {"body": own.body, "stars": own.stars} if own is not None else {}
        form = ReviewForm(initial=initial, auto_id="id_review_%s")
    action = reverse("ratings:review", kwargs={"model": obj._meta.label_lower, "object_id": obj.pk})
    return {
        "object": obj,
        "reviews": reviews,
        "own": own,
        "summary": summary,
        "form": form,
        "action": action,
        "is_authenticated": authenticated,
        "login_url": None if authenticated else login_redirect_url(action),
        "request": request,
    }


@register.filter
def reviewer_name(user):
    """How a review's author is shown: "Jesse L." or the user name (never a whole e-mail address)."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if first:
        return f"{first} {last[:1]}." if last else first
    return user.get_username().split("@", 1)[0]


@register.simple_tag(takes_context=True)
def ratings_assets(context, script=False):
    """Link ``ratings.css`` (and ``ratings.js`` with ``script=True``) once per page."""
    request = context.get("request")
    done = getattr(request, "_coleman_ratings_assets", set()) if request is not None else set()
    parts = []
    if "css" not in done:
        parts.append(format_html('<link rel="stylesheet" href="{}">', static("ratings/ratings.css")))
        done.add("css")
    if script and "js" not in done:
        parts.append(format_html('<script src="{}" defer></script>', static("ratings/ratings.js")))
        done.add("js")
    if request is not None:
        request._coleman_ratings_assets = done
    return format_html("".join(["{}"] * len(parts)), *parts) if parts else ""
