"""``manage.py purge_unactivated_accounts``: delete sign-ups whose activation link expired."""

from django.core.management.base import BaseCommand

from coleman.customers.services import unactivated_accounts


class Command(BaseCommand):
    """Delete accounts never activated within ``ACCOUNT_ACTIVATION_DAYS`` (staff accounts kept).

    Frees the usernames and email addresses that abandoned or mistyped sign-ups hold. Run it
    daily from cron; ``--dry-run`` lists what would go.
    """

    help = "Delete accounts that were never activated before their activation link expired."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the accounts; delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        accounts = unactivated_accounts()
        usernames = [user.get_username() for user in accounts]
        for username in usernames:
            self.stdout.write(username)
        if dry_run:
            self.stdout.write(f"{len(usernames)} unactivated account(s) would be deleted.")
            return
        accounts.delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {len(usernames)} unactivated account(s)."))
