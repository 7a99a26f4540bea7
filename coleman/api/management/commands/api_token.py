"""``manage.py api_token USERNAME [--name NAME]``: issue an API token and print its key once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coleman.api.models import ApiToken


class Command(BaseCommand):
    """Issue an API token for a user."""

    help = "Issue an API token for USERNAME and print the key (it is stored only as a digest)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username!r} is not active.")
        _token, key = ApiToken.objects.issue(user, name=name[:100])
        self.stdout.write(key)
        self.stderr.write("Send it as 'Authorization: Token <key>'. It is not shown again.")
