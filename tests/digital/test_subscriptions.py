"""Subscriptions: a plan on a product grants a group for a period; buying again extends it;
expire_subscriptions removes the access and emails the customer; pages and templates check it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.http import HttpResponse
from django.template import engines
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coleman.digital import services
from coleman.digital.decorators import subscription_required
from coleman.digital.models import Subscription
from tests.factories.digital import PlanFactory, move, order_with, pay
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def members(user):
    return user.groups.filter(name="Members").exists()


def test_buying_a_plan_starts_a_subscription_and_grants_the_group():
    """A paid plan gives the customer its group for period × quantity days."""
    plan = PlanFactory(period_days=30)
    user = UserFactory()
    pay(order_with(plan.product, user=user, quantity=2))
    subscription = Subscription.objects.get(user=user)
    assert (subscription.ends_at - subscription.starts_at) == timedelta(days=60)
    assert subscription.is_active() and members(user)


def test_buying_again_extends_a_running_subscription():
    """A renewal while the subscription runs adds its days to the end."""
    plan = PlanFactory(period_days=30)
    user = UserFactory()
    pay(order_with(plan.product, user=user))
    first_end = Subscription.objects.get().ends_at
    pay(order_with(plan.product, user=user))
    subscription = Subscription.objects.get()
    assert subscription.ends_at == first_end + timedelta(days=30)


def test_buying_after_it_lapsed_starts_again_from_now():
    """A renewal after the end starts a new period today (the lapsed days are not owed)."""
    plan = PlanFactory(period_days=30)
    user = UserFactory()
    long_ago = timezone.now() - timedelta(days=100)
    Subscription.objects.create(user=user, plan=plan, starts_at=long_ago, ends_at=long_ago + timedelta(days=30))
    pay(order_with(plan.product, user=user))
    subscription = Subscription.objects.get()
    assert subscription.starts_at > timezone.now() - timedelta(minutes=1)
    assert subscription.is_active()


def test_cancelling_the_order_takes_its_time_back():
    """A cancelled purchase removes the days it added; with none left, access ends at once."""
    plan = PlanFactory(period_days=30)
    user = UserFactory()
    order = pay(order_with(plan.product, user=user))
    move(order, "CANCELLED")
    subscription = Subscription.objects.get()
    assert not subscription.is_active() and subscription.expired_at is not None
    assert not members(user)


def test_expire_subscriptions_removes_access_and_emails(settings):
    """The command ends lapsed subscriptions once: group removed, email sent, others untouched."""
    plan = PlanFactory()
    lapsed, running = UserFactory(), UserFactory()
    now = timezone.now()
    for user, end in [(lapsed, now - timedelta(hours=1)), (running, now + timedelta(days=3))]:
        Subscription.objects.create(user=user, plan=plan, starts_at=now - timedelta(days=30), ends_at=end)
        user.groups.add(plan.group)
    out = StringIO()
    call_command("expire_subscriptions", "--dry-run", stdout=out)
    assert "1 subscriptions would expire" in out.getvalue() and members(lapsed)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("expire_subscriptions", stdout=out)
    assert not members(lapsed) and members(running)
    assert [message.to for message in mail.outbox] == [[lapsed.email]]
    assert plan.product.name in mail.outbox[0].subject
    call_command("expire_subscriptions", stdout=(second := StringIO()))
    assert "0 subscriptions expired" in second.getvalue() and len(mail.outbox) == 1


def test_expiring_one_plan_keeps_a_group_another_running_plan_grants():
    """Two plans granting the same group: the group stays while one of them runs."""
    group = Group.objects.create(name="Growers")
    monthly, yearly = PlanFactory(group=group), PlanFactory(group=group)
    user = UserFactory()
    now = timezone.now()
    Subscription.objects.create(user=user, plan=monthly, starts_at=now - timedelta(days=40), ends_at=now)
    Subscription.objects.create(user=user, plan=yearly, starts_at=now, ends_at=now + timedelta(days=300))
    user.groups.add(group)
    services.expire_subscriptions()
    assert user.groups.filter(pk=group.pk).exists()


def test_subscription_required_decorator():
    """Anonymous → login; no subscription → 403 naming the plan; subscriber → the page;
    an ended subscription is refused even before the cron job ran."""

    @subscription_required("Members")
    def page(request):
        return HttpResponse("members only")

    plan = PlanFactory()
    factory = RequestFactory()
    request = factory.get("/club/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert page(request).status_code == 302
    user = UserFactory()
    request.user = user
    refused = page(request)
    refused.render()
    assert refused.status_code == 403 and escape(plan.product.name) in refused.content.decode()
    subscription = services.extend_subscription(user, plan, 30)
    assert page(request).content == b"members only"
    Subscription.objects.filter(pk=subscription.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert page(request).status_code == 403


def test_members_page_and_template_check(client):
    """/downloads/members/ is the members' page; templates ask ``user|has_subscription``."""
    plan = PlanFactory()
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("digital:members")).status_code == 403
    services.extend_subscription(user, plan, 30)
    assert client.get(reverse("digital:members")).status_code == 200
    template = engines["django"].from_string('{% load digital %}{% if user|has_subscription:"Members" %}yes{% endif %}')
    assert template.render({"user": user}) == "yes"
    assert template.render({"user": UserFactory()}) == ""


def test_profile_shows_subscriptions(client):
    """The customer's account page lists their subscriptions and links their downloads."""
    plan = PlanFactory()
    user = UserFactory()
    services.extend_subscription(user, plan, 30)
    client.force_login(user)
    html = client.get(reverse("customers:profile")).content.decode()
    assert escape(plan.product.name) in html and "active until" in html and reverse("digital:list") in html


def test_a_guest_subscription_is_claimed_after_logging_in(client):
    """A guest who bought a plan logs in on the order page they returned to and starts it there."""
    plan = PlanFactory()
    order = pay(order_with(plan.product, guest_email="guest@example.com"))
    entitlement = order.entitlements.get()
    assert entitlement.subscription is None
    user = UserFactory()
    client.force_login(user)
    claim = reverse("digital:claim", args=[entitlement.token])
    assert client.post(claim).status_code == 404  # this session never saw the order
    session = client.session
    session["coleman_orders_viewable"] = [order.number]
    session.save()
    assert "Start my subscription" in client.get(order.get_absolute_url()).content.decode()
    assert client.post(claim).status_code == 302
    assert Subscription.objects.get().user == user and members(user)
    assert client.post(claim).status_code == 409
    assert Client().post(claim).status_code == 302  # anonymous: to the login page
