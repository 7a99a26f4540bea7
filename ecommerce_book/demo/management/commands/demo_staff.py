"""``manage.py demo_staff``: create (or reset) the demo staff login and print it."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    """Make a superuser for trying the store locally, with a fresh random password each run."""

    help = "Create or reset the demo staff account (development only) and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="staff")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("demo_staff is for development only (DEBUG is off).")
        password = secrets.token_urlsafe(9)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo staff login for /admin/:"))
        self.stdout.write(f"    username: {username}\n    password: {password}")
