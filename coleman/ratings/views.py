"""Views of the ratings app: rate an object, write a review.

Both answer ordinary form posts with a redirect back to the page the shopper came from, so
they work without JavaScript; the rating view answers JSON instead when the request
prefers it (``Accept: application/json``), which is what ``ratings.js`` sends. A GET of the
rating URL (the star links of product cards) shows a page that confirms with a POST.

Posts are limited per client address (``COLEMAN_RATINGS_RATE_POSTS`` ratings and
``COLEMAN_RATINGS_REVIEW_POSTS`` reviews per ``COLEMAN_RATINGS_POSTS_WINDOW`` seconds); beyond
the limit they answer 429 in the format the view answers, with ``Retry-After``.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from coleman.conf import coleman_settings
from coleman.core.http import safe_next_url, wants_json
from coleman.core.throttling import Throttle

from . import services
from .exceptions import RatingError
from .forms import ReviewForm
from .presentation import count_of_stars, login_redirect_url, rating_payload


def object_url(obj) -> str:
    """The object's page, or the home page when it has none."""
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if callable(get_url) else "/"


class TargetMixin:
    """Find the object of the URL and answer errors in the format the request asked for."""

    def problem(self, request, message: str, status: int):
        """Answer an error with a clear message: JSON for scripts, a small page for browsers."""
        if wants_json(request):
            return JsonResponse({"ok": False, "error": message}, status=status)
        return render(request, "ratings/problem.html", {"message": message}, status=status)

    def login_required(self, request, next_url: str, message: str):
        """Send an anonymous shopper to log in (``message`` says why), coming back to ``next_url``."""
        login_url = login_redirect_url(next_url)
        if wants_json(request):
            return JsonResponse({"ok": False, "error": message, "login_url": login_url}, status=401)
        if login_url is None:
            return self.problem(request, message, 403)
        return HttpResponseRedirect(login_url)


class PostThrottleMixin:
    """Limits a view's POSTs per client address; ``throttle_scope`` names what is counted and
    ``throttle_limit_setting`` the ``COLEMAN_`` setting with the limit."""

    throttle_scope = ""
    throttle_limit_setting = ""
    throttled_message = _("Too many posts in a short time. Please wait %(minutes)s minutes and try again.")

    def post_throttle(self, request) -> Throttle:
        """The throttle on this view's posts from the request's client address."""
        return Throttle.for_client(
            request,
            self.throttle_scope,
            limit=getattr(coleman_settings, self.throttle_limit_setting),
            window=coleman_settings.RATINGS_POSTS_WINDOW,
        )

    def refuse_when_throttled(self, request):
        """Count this post; the 429 answer instead when the client has reached the limit.

        A refused post is not counted, so the client's window runs out while it waits.
        """
        throttle = self.post_throttle(request)
        if throttle.is_exceeded():
            response = self.problem(request, self.throttled_message % {"minutes": throttle.minutes}, 429)
            response["Retry-After"] = str(throttle.window)
            return response
        throttle.hit()
        return None


class RateView(PostThrottleMixin, TargetMixin, View):
    """``/ratings/<app_label.model>/<object_id>/<rating>/``: rate an object.

    A POST rates. A GET (the star links of product cards, which carry no CSRF token because
    the cards are cached for everyone) shows a small page asking to confirm with a POST.
    """

    http_method_names = ["get", "post"]
    confirm_template_name = "ratings/rate_confirm.html"
    throttle_scope = "ratings-rate"
    throttle_limit_setting = "RATINGS_RATE_POSTS"
    throttled_message = _("Too many ratings in a short time. Please wait %(minutes)s minutes and try again.")

    def get(self, request, model, object_id, rating):
        try:
            target = services.get_target(model, object_id)
            stars = services.parse_stars(rating)
        except RatingError as error:
            return self.problem(request, str(error), error.status_code)
        if not request.user.is_authenticated:
            return self.login_required(request, request.get_full_path(), gettext("Please log in to rate."))
        context = {
            "object": target,
            "stars": stars,
            "stars_display": count_of_stars(stars),
            "action": request.path,
            "next": safe_next_url(request, object_url(target), use_referer=True),
        }
        return render(request, self.confirm_template_name, context)

    def post(self, request, model, object_id, rating):
        refused = self.refuse_when_throttled(request)
        if refused is not None:
            return refused
        try:
            target = services.get_target(model, object_id)
            stars = services.parse_stars(rating)
        except RatingError as error:
            return self.problem(request, str(error), error.status_code)
        back = safe_next_url(request, object_url(target), use_referer=True)
        if not request.user.is_authenticated:
            return self.login_required(request, back, gettext("Please log in to rate."))
        try:
            result = services.rate(request.user, target, stars)
        except RatingError as error:
            return self.problem(request, str(error), error.status_code)
        message = ngettext(
            "Thanks! You rated %(object)s %(count)s star.", "Thanks! You rated %(object)s %(count)s stars.", stars
        ) % {"object": target, "count": stars}
        if wants_json(request):
            return JsonResponse({"ok": True, "message": message, **rating_payload(result.summary, stars)})
        messages.success(request, message)
        return HttpResponseRedirect(back)


class ReviewView(PostThrottleMixin, TargetMixin, View):
    """``/ratings/reviews/<app_label.model>/<object_id>/``: write or rewrite a review.

    The form normally sits on the object's page and posts here; this view also shows it on
    a page of its own, with the errors, when a post is not valid.
    """

    http_method_names = ["get", "post"]
    template_name = "ratings/review_form.html"
    throttle_scope = "ratings-review"
    throttle_limit_setting = "RATINGS_REVIEW_POSTS"
    throttled_message = _("Too many reviews in a short time. Please wait %(minutes)s minutes and try again.")

    def dispatch(self, request, *args, **kwargs):
        try:
            self.target = services.get_target(kwargs["model"], kwargs["object_id"])
        except RatingError as error:
            return self.problem(request, str(error), error.status_code)
        self.back = object_url(self.target)
        if not request.user.is_authenticated:
            return self.login_required(request, request.get_full_path(), gettext("Please log in to write a review."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, **kwargs):
        _published, own = services.reviews_to_show(self.target, request.user)
        initial = {"body": own.body, "stars": own.stars} if own is not None else {}
        return self.render_form(ReviewForm(initial=initial))

    def post(self, request, **kwargs):
        refused = self.refuse_when_throttled(request)
        if refused is not None:
            return refused
        form = ReviewForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            review = services.post_review(
                request.user, self.target, form.cleaned_data["body"], form.cleaned_data["stars"]
            )
        except RatingError as error:
            return self.problem(request, str(error), error.status_code)
        if review.is_published:
            messages.success(request, gettext("Thanks! Your review is published."))
        else:
            messages.info(request, gettext("Thanks! Your review will appear once our staff have approved it."))
        return HttpResponseRedirect(f"{self.back}#reviews")

    def render_form(self, form, status=200):
        """The review form on a page of its own."""
        action = reverse("ratings:review", kwargs=self.kwargs)
        context = {"form": form, "object": self.target, "back": self.back, "action": action}
        return render(self.request, self.template_name, context, status=status)
