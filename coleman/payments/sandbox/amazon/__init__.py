"""Amazon FPS, played locally: the Co-Branded UI (:mod:`.cbui`), the FPS API (:mod:`.fps`,
:mod:`.aggregated`), the certificate whose key signs returns and IPNs (:mod:`.signing`) and the
IPNs themselves (:mod:`.ipn`).

It shares no code with the store's processor: it signs and checks with its own few lines.
State (tokens used, transactions, CallerReferences, balances) lives in the cache
(:mod:`.ledger`): this is a test double, not a ledger.
"""

from django.urls import path

from .cbui import CbuiView
from .fps import CertificateView, FpsView, handle_fps_request
from .signing import aws_signature, outbound_signed, signed_by, verify_outbound

urlpatterns = [
    path("cbui/", CbuiView.as_view(), name="amazon-cbui"),
    path("fps/", FpsView.as_view(), name="amazon-fps"),
    path("certs/sandbox/PKICert.pem", CertificateView.as_view(), name="amazon-cert"),
]

__all__ = [
    "aws_signature",
    "handle_fps_request",
    "outbound_signed",
    "signed_by",
    "urlpatterns",
    "verify_outbound",
]
