"""Delete abandoned orders: NEW orders older than N days, releasing their stock.

Checkout makes a NEW order before the customer pays; customers who never pay leave them
behind (book, chapter 5). Run this daily from cron, e.g.::

    15 3 * * *  cd /srv/coleman && .venv/bin/python manage.py cleanup_abandoned_orders
"""

from django.core.management.base import BaseCommand, CommandError

from coleman.conf import coleman_settings
from coleman.orders.services import delete_abandoned_orders


class Command(BaseCommand):
    """``manage.py cleanup_abandoned_orders [--days N] [--dry-run]``."""

    help = "Delete NEW (unpaid) orders older than --days days and put their reserved stock back."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days after which a NEW order is abandoned (default: COLEMAN_ORDER_ABANDONED_DAYS, 14).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the orders that would be deleted; change nothing."
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = coleman_settings.ORDER_ABANDONED_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        report = delete_abandoned_orders(days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        for entry in report:
            self.stdout.write(
                f"{verb} order {entry['number']} placed {entry['placed_at']:%Y-%m-%d %H:%M}"
                f" by {entry['email']}"
                f" ({entry['units']} unit{'s' if entry['units'] != 1 else ''} of stock "
                f"{'to release' if dry_run else 'released'})"
            )
        units = sum(entry["units"] for entry in report)
        summary = (
            f"{verb} {len(report)} abandoned order{'s' if len(report) != 1 else ''} older than {days} days; "
            f"{units} unit{'s' if units != 1 else ''} of stock {'would be ' if dry_run else ''}released."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not dry_run else summary)
