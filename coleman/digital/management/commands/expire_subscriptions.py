"""``manage.py expire_subscriptions``: end the access of subscriptions that ran out (for cron)."""

from django.core.management.base import BaseCommand

from coleman.digital.services import expire_subscriptions


class Command(BaseCommand):
    """Remove the group of every subscription that has ended and email its customer."""

    help = "Remove the access of ended subscriptions and email their customers (run it from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list the subscriptions that would expire.")

    def handle(self, *args, dry_run=False, **options):
        expired = expire_subscriptions(dry_run=dry_run)
        for subscription in expired:
            self.stdout.write(
                f"{'would expire' if dry_run else 'expired'}: {subscription.user.get_username()} – "
                f"{subscription.plan.product.name} (ended {subscription.ends_at:%Y-%m-%d %H:%M})"
            )
        self.stdout.write(f"{len(expired)} subscriptions {'would expire' if dry_run else 'expired'}.")
