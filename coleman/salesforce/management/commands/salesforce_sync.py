"""``manage.py salesforce_sync [products customers orders] [--dry-run] [--since DATE|last]``.

Pushes the store's records to Salesforce (book ch. 7), showing a progress bar per kind, and
prints a summary with the records Salesforce refused. Exits with status 1 when Salesforce
cannot be reached or refuses the login, 2 when some records failed (so cron notices).
"""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from coleman.salesforce.models import SyncedRecord
from coleman.salesforce.services import SyncAborted, available_kinds, last_finished_run_start, sync
from coleman.salesforce.sources import SOURCES

BAR_WIDTH = 30
SHOWN_FAILURES = 20


class ProgressBar:
    """``products [##########----------] 400/1000`` on the given stream, redrawn in place on
    a terminal and one line per step elsewhere (``stream`` is a command's ``OutputWrapper``)."""

    def __init__(self, stream):
        self.stream = stream
        self.inline = stream.isatty()

    def start(self, kind, total):
        """Begin a bar for ``kind``."""
        self.kind, self.total, self.done = kind, total, 0
        self.draw()

    def advance(self, count):
        """Move the bar on by ``count`` records."""
        self.done += count
        self.draw()

    def finish(self):
        """End the bar's line."""
        if self.inline:
            self.stream.write("", ending="\n")
        self.stream.flush()

    def draw(self):
        """Write the bar."""
        filled = BAR_WIDTH if not self.total else BAR_WIDTH * self.done // self.total
        line = f"{self.kind:<10} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {self.done}/{self.total}"
        self.stream.write(("\r" + line) if self.inline else line, ending="" if self.inline else "\n")
        self.stream.flush()


def parse_since(value):
    """``last``, an ISO date (midnight) or an ISO date-time, as an aware datetime."""
    if value == "last":
        since = last_finished_run_start()
        if since is None:
            raise CommandError("--since last: no complete sync yet; run without --since first.")
        return since
    moment = parse_datetime(value) if "T" in value or " " in value else None
    if moment is None:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise CommandError(f"--since: expected YYYY-MM-DD, an ISO date-time or 'last', got {value[:40]!r}.")
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    """Sync products, customers and orders to Salesforce."""

    help = "Upsert the store's products, customers and orders into Salesforce by external id."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help=f"What to sync: {', '.join(SOURCES)} (default: all mapped).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send nothing.")
        parser.add_argument("--since", help="Only records changed since YYYY-MM-DD[THH:MM], or 'last' (the last run).")

    def handle(self, *args, kinds, dry_run, since, **options):
        known = available_kinds()
        unknown = [kind for kind in kinds if kind not in known]
        if unknown:
            raise CommandError(f"Unknown or unavailable kinds {unknown}; choose among {known}.")
        moment = parse_since(since) if since else None
        try:
            run = sync(kinds or known, since=moment, dry_run=dry_run, progress=ProgressBar(self.stderr))
        except SyncAborted as exc:
            raise CommandError(str(exc), returncode=1) from exc
        if dry_run:
            self.stdout.write(f"Dry run: {run.sent} records would be sent ({run.kinds}).")
            return
        self.stdout.write(
            f"Sent {run.sent} records: {run.created} created, {run.updated} updated, {run.failed} failed."
        )
        if run.failed:
            for record in SyncedRecord.objects.filter(last_run=run, status=SyncedRecord.Status.FAILED)[:SHOWN_FAILURES]:
                self.stdout.write(f"  {record.kind} {record.label}: {record.error}")
            raise CommandError(f"{run.failed} records failed (see above and the admin).", returncode=2)
