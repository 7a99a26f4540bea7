"""Pages of the digital app: the customer's downloads, the download button's endpoint, the
signed local file links, the guest's email link, claiming a guest's subscription, and the
members' page."""

import mimetypes
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import ListView, TemplateView

from coleman.conf import coleman_settings
from coleman.core.throttling import client_ip
from coleman.orders.access import can_view, remember_order
from coleman.orders.statuses import PAID_OR_LATER

from . import services
from .decorators import subscription_required
from .delivery import order_from_guest_token
from .exceptions import DownloadRefused
from .models import DigitalAsset, Download, Entitlement, Subscription
from .storage import link_for, read_file_link, uses_s3


def problem(request, message, *, status):
    """A page that says what went wrong and where to go next."""
    response = TemplateResponse(request, "digital/problem.html", {"message": message}, status=status)
    add_never_cache_headers(response)
    return response


def private(response):
    """Mark ``response`` as never to be stored by a shared or browser cache."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


class DownloadListView(LoginRequiredMixin, ListView):
    """``/downloads/``: the customer's digital purchases with their download buttons, and their
    subscriptions."""

    template_name = "digital/download_list.html"
    context_object_name = "entitlements"
    paginate_by = 50

    def get_queryset(self):
        return Entitlement.objects.for_user(self.request.user).for_page().select_related("line")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subscriptions"] = list(
            Subscription.objects.filter(user=self.request.user).select_related("plan__product")
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        return private(super().render_to_response(context, **response_kwargs))


class EntitlementMixin:
    """Finds the entitlement of the URL's token; 404 unless this visitor may see its order."""

    def get_entitlement(self, token):
        entitlement = Entitlement.objects.select_related("order", "line", "product").filter(token=token).first()
        if entitlement is None or not can_view(self.request, entitlement.order):
            raise Http404("No such purchase.")
        return entitlement


class DownloadView(EntitlementMixin, View):
    """``/downloads/<token>/<asset>/``: GET asks to confirm, POST counts one download and sends
    the browser to a link made now that expires in minutes (S3 presigned, or signed locally).

    Counting on POST keeps link scanners and prefetchers from spending a customer's downloads.
    """

    def get_asset(self, entitlement, asset_id):
        return get_object_or_404(DigitalAsset, pk=asset_id, product_id=entitlement.product_id or 0)

    def get(self, request, token, asset_id):
        entitlement = self.get_entitlement(token)
        asset = self.get_asset(entitlement, asset_id)
        context = {"entitlement": entitlement, "asset": asset, "reason": entitlement.unavailable_reason()}
        return private(TemplateResponse(request, "digital/download_confirm.html", context))

    def post(self, request, token, asset_id):
        entitlement = self.get_entitlement(token)
        asset = self.get_asset(entitlement, asset_id)
        try:
            download = services.start_download(
                entitlement,
                asset,
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except DownloadRefused as refused:
            return problem(request, str(refused), status=403)
        return private(HttpResponseRedirect(link_for(download)))


class SignedFileView(View):
    """``/downloads/file/<token>/``: the file behind a local signed link.

    A forged token answers 404, an expired one 403 (with the way to a new link); a purchase
    withdrawn since the link was made answers 403. The file is read only from the private
    storage's folder: a stored name that leads outside it answers 404.
    """

    def get(self, request, token):
        try:
            download_id = read_file_link(token)
        except signing.SignatureExpired:
            return problem(
                request,
                "This download link has expired. Get a new one from your downloads or your order page.",
                status=403,
            )
        except signing.BadSignature:
            raise Http404("No such file.") from None
        download = Download.objects.select_related("entitlement__order", "asset").filter(pk=download_id).first()
        if download is None or download.asset is None or uses_s3():
            raise Http404("No such file.")
        entitlement = download.entitlement
        if entitlement.revoked_at is not None or entitlement.order.status_id not in PAID_OR_LATER:
            return problem(request, "Access to this purchase was withdrawn.", status=403)
        return private(serve_asset(download.asset))


def serve_asset(asset):
    """A response sending ``asset``'s file from the local private storage as an attachment:
    streamed by Django, or handed to the web server (``COLEMAN_DIGITAL_SENDFILE``)."""
    name = asset.file.name or ""
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        raise Http404("No such file.")
    storage = asset.file.storage
    try:
        path = storage.path(name)
    except (SuspiciousFileOperation, NotImplementedError):
        raise Http404("No such file.") from None
    content_type = asset.content_type or mimetypes.guess_type(asset.filename)[0] or "application/octet-stream"
    mode = coleman_settings.DIGITAL_SENDFILE
    try:
        if mode is None:
            response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 - FileResponse closes it
        else:
            if not storage.exists(name):
                raise FileNotFoundError(name)
            response = HttpResponse(content_type=content_type)
            if mode == "x-accel-redirect":
                response["X-Accel-Redirect"] = coleman_settings.DIGITAL_ACCEL_PREFIX.rstrip("/") + "/" + quote(name)
            else:
                response["X-Sendfile"] = path
    except (FileNotFoundError, IsADirectoryError):
        raise Http404("No such file.") from None
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=asset.filename)
    return response


class GuestAccessView(View):
    """``/downloads/order/<token>/``: the link of a guest's paid-order email opens the order's
    page (with its downloads) in this browser."""

    def get(self, request, token):
        order = order_from_guest_token(token)
        if order is None:
            return problem(
                request,
                "This link is not valid any more. Find your order with its number and email instead.",
                status=404,
            )
        remember_order(request, order)
        return private(HttpResponseRedirect(order.get_absolute_url()))


class ClaimSubscriptionView(LoginRequiredMixin, EntitlementMixin, View):
    """POST ``/downloads/claim/<token>/``: a subscription bought as a guest starts on the account
    of the customer who logged in (the order must be viewable in their session)."""

    http_method_names = ["post", "options"]

    def post(self, request, token):
        entitlement = self.get_entitlement(token)
        subscription = services.claim_subscription(entitlement, request.user)
        if subscription is None:
            return problem(request, "There is no subscription to start on this purchase.", status=409)
        ends = date_format(timezone.localtime(subscription.ends_at), "DATE_FORMAT")
        messages.success(request, f"Your subscription runs until {ends}.")
        return HttpResponseRedirect(reverse("digital:list"))


def members_group():
    """The group the members' page requires (read per request)."""
    return coleman_settings.DIGITAL_MEMBERS_GROUP


@method_decorator(subscription_required(members_group), name="dispatch")
class MembersView(TemplateView):
    """``/downloads/members/``: a page only subscribers of a plan granting the members' group see."""

    template_name = "digital/members.html"
