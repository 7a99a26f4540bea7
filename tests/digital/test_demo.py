"""The demo's digital goods: the cookbook PDF (ReportLab), the video, a key pool, a plan."""

import pytest

from coleman.digital.models import DigitalAsset, LicenseKey, SubscriptionPlan
from coleman.products.models import Product
from ecommerce_book.demo.digital import load_digital_demo

pytestmark = pytest.mark.django_db


def test_demo_digital_goods_are_loaded_once(private_storage):
    """A first run creates four digital products, two files, 25 keys (as stock) and a plan;
    a second run adds nothing."""
    report = load_digital_demo()
    assert (report.products, report.files, report.keys, report.plans) == (4, 2, 25, 1)
    assert Product.objects.filter(is_digital=True).count() == 4
    video = DigitalAsset.objects.get(product__slug="cranberry-farming-intro")
    assert video.file.name == "videos/cranberry_farming_intro.mp4"
    assert (private_storage / "videos" / "cranberry_farming_intro.mp4").read_bytes()[4:8] == b"ftyp"
    assert Product.objects.get(slug="bog-harvest-planner").stock == 25 == LicenseKey.objects.count()
    assert SubscriptionPlan.objects.get().group.name == "Members"
    again = load_digital_demo()
    assert (again.products, again.files, again.keys, again.plans) == (0, 0, 0, 0)


def test_cookbook_is_a_real_pdf(private_storage):
    """The cookbook is a ReportLab PDF whose pages carry its title and recipes."""
    load_digital_demo()
    cookbook = DigitalAsset.objects.get(product__slug="cranstore-cookbook")
    pdf = (private_storage / cookbook.file.name).read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and b"ReportLab" in pdf
    assert b"(The CranStore Cookbook) Tj" in pdf and b"(Cranberry Sauce) Tj" in pdf
    assert b"/Count 2" in pdf  # a title page and a page of recipes
