"""Pages of the wishlists app, mounted by the project at ``/accounts/wishlists/``.

Every change is a POST (CSRF protected) answered with a redirect and a message, so all of it
works without JavaScript. Saving a product also answers JSON when the request prefers it
(``wishlists.js`` on product cards and pages). Bad input (an unknown product, another
customer's list or item, a bad token) gets a clear message with a 4xx: another customer's
list is a 404, exactly like a list that does not exist.

Nothing here adds per-shopper markup to catalog pages: the "Save to wishlist" and "Email me
when it's back" forms there are the same for everyone, and the choice of list (or a guest's
address) is asked on the next page.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coleman.cart.exceptions import CartError
from coleman.conf import coleman_settings
from coleman.core.http import safe_next_url, wants_json
from coleman.core.mail import absolute_url, send_templated_mail
from coleman.core.throttling import Throttle

from . import services
from .exceptions import NameTaken, WishlistError
from .forms import AlertEmailForm, ListNameForm
from .models import Wishlist


class ProblemMixin:
    """Answer errors with a clear message: JSON for scripts, a small page for browsers."""

    problem_template_name = "wishlists/problem.html"

    def problem(self, message, status=400):
        """The error ``message`` with ``status``."""
        if wants_json(self.request):
            return JsonResponse({"ok": False, "error": message}, status=status)
        return render(self.request, self.problem_template_name, {"message": message}, status=status)

    def login_required(self, next_url, message):
        """Send a guest to log in, coming back to ``next_url`` (401 with ``login_url`` for scripts)."""
        try:
            login_url = redirect_to_login(next_url).url
        except NoReverseMatch:  # no login page in this project
            return self.problem(message, 403)
        if wants_json(self.request):
            return JsonResponse({"ok": False, "error": message, "login_url": login_url}, status=401)
        messages.info(self.request, message)
        return HttpResponseRedirect(login_url)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except WishlistError as error:
            return self.problem(str(error), error.status_code)


class CustomerMixin(ProblemMixin):
    """Pages of a logged-in customer: guests are sent to log in and come back here."""

    login_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            back = request.get_full_path() if request.method == "GET" else reverse("wishlists:index")
            return self.login_required(back, self.login_message or _("Please log in to see your wishlists."))
        return super().dispatch(request, *args, **kwargs)


class ActionView(CustomerMixin, View):
    """A POST-only change: ``act()`` returns the message; then back to a safe ``next``."""

    http_method_names = ["post"]
    default_next = "wishlists:index"

    def post(self, request, **kwargs):
        message, default = self.act(request, **kwargs)
        if wants_json(request):
            return JsonResponse({"ok": True, "message": message})
        messages.success(request, message)
        return HttpResponseRedirect(safe_next_url(request, default or reverse(self.default_next)))

    def act(self, request, **kwargs) -> tuple[str, str | None]:
        """Make the change; return the message and the default page to go back to."""
        raise NotImplementedError


# --- a customer's lists ----------------------------------------------------------------


class WishlistIndexView(CustomerMixin, TemplateView):
    """``/accounts/wishlists/``: every list of the customer with its products (a fixed number
    of queries however many lists and items)."""

    template_name = "wishlists/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["wishlists"] = list(Wishlist.objects.owned_by(self.request.user).with_items())
        context["create_form"] = kwargs.get("create_form") or ListNameForm(auto_id="id_new_%s")
        context["max_lists"] = coleman_settings.WISHLISTS_MAX_LISTS
        return context


class WishlistDetailView(CustomerMixin, TemplateView):
    """One of the customer's lists: its products, renaming, sharing and deleting it."""

    template_name = "wishlists/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        wishlist = services.get_list(self.request.user, self.kwargs["pk"])
        context["wishlist"] = wishlist
        context["items"] = list(wishlist.items.select_related("product__category"))
        context["rename_form"] = ListNameForm(initial={"name": wishlist.name})
        if wishlist.is_shared:
            context["share_url"] = self.request.build_absolute_uri(wishlist.get_share_url())
        return context


class CreateListView(ActionView):
    """Make a new named list."""

    def act(self, request):
        form = ListNameForm(request.POST)
        if not form.is_valid():
            raise NameTaken(_("Please give the list a name of at most 100 characters."))
        wishlist = services.create_list(request.user, form.cleaned_data["name"])
        return _("Made the wishlist “%(name)s”.") % {"name": wishlist.name}, wishlist.get_absolute_url()


class RenameListView(ActionView):
    """Rename one of the customer's lists."""

    def act(self, request, pk):
        wishlist = services.get_list(request.user, pk)
        form = ListNameForm(request.POST)
        if not form.is_valid():
            raise NameTaken(_("Please give the list a name of at most 100 characters."))
        services.rename_list(wishlist, form.cleaned_data["name"])
        return _("Renamed the wishlist to “%(name)s”.") % {"name": wishlist.name}, wishlist.get_absolute_url()


class DeleteListView(CustomerMixin, TemplateView):
    """Delete one of the customer's lists: a GET asks to confirm, the POST deletes."""

    template_name = "wishlists/confirm_delete.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["wishlist"] = services.get_list(self.request.user, self.kwargs["pk"])
        return context

    def post(self, request, pk):
        wishlist = services.get_list(request.user, pk)
        name = wishlist.name
        wishlist.delete()
        messages.success(request, _("Deleted the wishlist “%(name)s”.") % {"name": name})
        return HttpResponseRedirect(reverse("wishlists:index"))


class ShareListView(ActionView):
    """Turn a list's private link on (a new random link each time) or off (``action=revoke``)."""

    def act(self, request, pk):
        wishlist = services.get_list(request.user, pk)
        action = request.POST.get("action", "share")
        if action == "revoke":
            services.revoke_share(wishlist)
            return _("The private link of “%(name)s” no longer works.") % {"name": wishlist.name}, None
        if action != "share":
            raise WishlistError(_("Unknown sharing action."))
        services.share(wishlist)
        return _("“%(name)s” has a new private link; any earlier link no longer works.") % {
            "name": wishlist.name
        }, wishlist.get_absolute_url()


class SharedListView(ProblemMixin, TemplateView):
    """A list opened by its private link: read-only, for anyone holding the link."""

    template_name = "wishlists/shared.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        wishlist = services.shared_list(self.kwargs["pk"], self.kwargs["token"])
        context["wishlist"] = wishlist
        context["owner_name"] = wishlist.owner.get_short_name() or wishlist.owner.get_username()
        context["items"] = list(wishlist.items.select_related("product__category").filter(product__is_active=True))
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "same-origin"  # the link is the secret
        return response


# --- items -------------------------------------------------------------------------------


class SaveProductView(ProblemMixin, TemplateView):
    """Save a product to a list.

    POST ``product`` (from the product page or a card, the same form for everyone) with an
    optional ``wishlist`` id or ``new_list`` name: without either, a customer with one list
    (or none: "My wishlist" is made) saves to it, and one with several is sent to the GET
    page to choose. Guests are sent to log in and come back to the product.
    """

    template_name = "wishlists/save.html"
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        product = services.get_product(request.GET.get("product"))
        if not request.user.is_authenticated:
            return self.login_required(request.get_full_path(), _("Please log in to save products to a wishlist."))
        context = self.get_context_data(
            product=product,
            wishlists=list(Wishlist.objects.owned_by(request.user)),
            next=safe_next_url(request, product.get_absolute_url(), use_referer=True),
        )
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        product = services.get_product(request.POST.get("product"))
        back = safe_next_url(request, product.get_absolute_url())
        if not request.user.is_authenticated:
            return self.login_required(back, _("Please log in to save products to a wishlist."))
        user = request.user
        new_name = request.POST.get("new_list", "").strip()
        if new_name:
            wishlist = services.create_list(user, new_name)
        elif request.POST.get("wishlist"):
            wishlist = services.get_list(user, request.POST["wishlist"])
        else:
            lists = list(Wishlist.objects.owned_by(user)[:2])
            if len(lists) > 1:
                choose_url = f"{reverse('wishlists:save')}?{urlencode({'product': product.pk, 'next': back})}"
                if wants_json(request):
                    return JsonResponse({"ok": True, "choose_url": choose_url, "message": _("Choose a list.")})
                return HttpResponseRedirect(choose_url)
            wishlist = lists[0] if lists else services.default_list(user)
        _item, created = services.add_product(wishlist, product)
        values = {"product": product.name, "list": wishlist.name}
        if created:
            message = _("Saved %(product)s to your wishlist “%(list)s”.") % values
        else:
            message = _("%(product)s is already on your wishlist “%(list)s”.") % values
        if wants_json(request):
            return JsonResponse({"ok": True, "message": message, "wishlist_url": wishlist.get_absolute_url()})
        messages.success(request, message)
        return HttpResponseRedirect(back)


class RemoveItemView(ActionView):
    """Take a product off one of the customer's lists."""

    def act(self, request, pk):
        item = services.get_item(request.user, pk)
        item.delete()
        values = {"product": item.product.name, "list": item.wishlist.name}
        return _("Removed %(product)s from “%(list)s”.") % values, None


class MoveToCartView(ActionView):
    """Put one unit of a listed product in the cart and take it off the list (the cart's
    rules apply: a sold-out product stays on the list, with the cart's message and a 400)."""

    def act(self, request, pk):
        item = services.get_item(request.user, pk)
        try:
            services.move_to_cart(request, item)
        except CartError as error:
            raise WishlistError(str(error)) from None
        values = {"product": item.product.name, "list": item.wishlist.name}
        return _("Moved %(product)s from “%(list)s” to your cart.") % values, None


# --- back-in-stock alerts ------------------------------------------------------------


class StockAlertView(ProblemMixin, TemplateView):
    """ "Email me when it's back" for an out-of-stock product.

    A customer's POST makes the alert at once (to their account's address). A guest's POST
    without ``email`` (the product page's form) leads to the GET page asking for it; with
    ``email`` a confirmation link is sent there (limited per client address), and the alert
    is made only when the link is confirmed.
    """

    template_name = "wishlists/alert.html"
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        product = services.get_product(request.GET.get("product"))
        return self.render_form(product, AlertEmailForm(), safe_next_url(request, product.get_absolute_url()))

    def render_form(self, product, form, back, status=200):
        """The page asking a guest for their address (a customer just confirms)."""
        context = self.get_context_data(product=product, form=form, next=back)
        try:
            context["login_url"] = redirect_to_login(back).url
        except NoReverseMatch:  # no login page in this project: guests give an address
            context["login_url"] = ""
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        product = services.get_product(request.POST.get("product"))
        back = safe_next_url(request, product.get_absolute_url())
        if product.in_stock:
            messages.info(request, _("Good news: %(product)s is in stock now.") % {"product": product.name})
            return HttpResponseRedirect(back)
        if request.user.is_authenticated:
            return self.customer_alert(product, back)
        if "email" not in request.POST:
            return HttpResponseRedirect(
                f"{reverse('wishlists:alert')}?{urlencode({'product': product.pk, 'next': back})}"
            )
        form = AlertEmailForm(request.POST)
        if not form.is_valid():
            return self.render_form(product, form, back, status=400)
        throttle = Throttle.for_client(
            request,
            "wishlists-alert-email",
            limit=coleman_settings.WISHLISTS_ALERT_EMAILS_PER_CLIENT,
            window=coleman_settings.WISHLISTS_ALERT_WINDOW,
        )
        if throttle.is_exceeded():
            response = self.problem(
                _("Too many alert requests in a short time. Please wait %(minutes)s minutes and try again.")
                % {"minutes": throttle.minutes},
                429,
            )
            response["Retry-After"] = str(throttle.window)
            return response
        throttle.hit()
        email = form.cleaned_data["email"]
        token = services.alert_token(product, email)
        confirm_url = absolute_url(f"{reverse('wishlists:alert-confirm')}?{urlencode({'token': token})}")
        send_templated_mail(
            to=email,
            subject_template="wishlists/email/confirm_alert_subject.txt",
            body_template="wishlists/email/confirm_alert_body.txt",
            context={"product": product, "confirm_url": confirm_url},
            request=request,
        )
        messages.success(
            request,
            _("We sent a link to %(email)s: open it to confirm, and we will email you when %(product)s is back.")
            % {"email": email, "product": product.name},
        )
        return HttpResponseRedirect(back)

    def customer_alert(self, product, back):
        """Make the logged-in customer's alert (they need an address on their account)."""
        user = self.request.user
        if not user.email:
            return self.problem(_("Your account has no email address. Please add one to your details first."))
        _alert, created = services.request_alert(product, user=user)
        values = {"email": user.email, "product": product.name}
        if created:
            message = _("We will email you at %(email)s once %(product)s is back in stock.") % values
        else:
            message = _("You are already waiting for %(product)s; we will email %(email)s once.") % values
        messages.success(self.request, message)
        return HttpResponseRedirect(back)


class ConfirmStockAlertView(ProblemMixin, TemplateView):
    """The link a guest gets by email: the GET asks to confirm, the POST makes the alert.

    (A GET never changes anything, so mail scanners that open links do not confirm.)
    """

    template_name = "wishlists/alert_confirm.html"
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        token = request.GET.get("token", "")
        product, email = services.read_alert_token(token)
        return self.render_to_response(self.get_context_data(product=product, email=email, token=token))

    def post(self, request, *args, **kwargs):
        product, email = services.read_alert_token(request.POST.get("token", ""))
        if product.in_stock:
            messages.info(request, _("Good news: %(product)s is in stock now.") % {"product": product.name})
        else:
            services.request_alert(product, email=email)
            messages.success(
                request,
                _("Confirmed: we will email %(email)s once %(product)s is back in stock.")
                % {"email": email, "product": product.name},
            )
        return HttpResponseRedirect(product.get_absolute_url())
