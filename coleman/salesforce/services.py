"""Sync the store's records to Salesforce: :func:`sync`.

Each kind (products, customers, orders) is read in batches of at most
``COLEMAN_SALESFORCE_BATCH_SIZE`` (≤ 200) rows, mapped with ``COLEMAN_SALESFORCE_MAPPING``
and upserted by external id in one composite call per batch, so a second run updates the
same Salesforce records. A record Salesforce refuses is recorded with its error and the
others go on; a batch Salesforce refuses whole marks its records failed and the next batch
goes on. The outcome of every record is kept in ``SyncedRecord`` (one bulk write per batch),
the run in ``SyncRun``.
"""

import logging
from itertools import islice

from django.utils import timezone

from coleman.conf import coleman_settings

from .client import SalesforceClient, SalesforceError, SalesforceUnavailable
from .models import SyncedRecord, SyncRun
from .sources import SOURCES

logger = logging.getLogger(__name__)


class SyncAborted(Exception):
    """The run could not go on (Salesforce unreachable or refused the login)."""

    def __init__(self, message, run):
        super().__init__(message)
        self.run = run


def mapping_for(kind) -> dict:
    """The mapping of ``kind``: ``{"object", "external_id", "fields": {sf field: value name}}``."""
    return coleman_settings.SALESFORCE_MAPPING[kind]


def available_kinds() -> list[str]:
    """Kinds that have a mapping and whose app is installed."""
    return [
        kind
        for kind, source in SOURCES.items()
        if kind in coleman_settings.SALESFORCE_MAPPING and source.is_available()
    ]


def payload(source, mapping, row) -> dict:
    """The fields sent to Salesforce for ``row``, with its external id."""
    record = {field: source.value(row, name) for field, name in mapping["fields"].items()}
    record[mapping["external_id"]] = source.external_id(row)
    return record


def batched(iterable, size):
    """Lists of at most ``size`` items."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def describe_errors(result) -> str:
    """Salesforce's errors of one record as one line."""
    return "; ".join(f"{item.get('statusCode')}: {item.get('message')}" for item in result.get("errors", [])) or (
        "Salesforce gave no result for this record."
    )


class NullProgress:
    """Progress reporting that reports nothing."""

    def start(self, kind, total):
        """A kind with ``total`` records begins."""

    def advance(self, count):
        """``count`` more records were handled."""

    def finish(self):
        """The kind is done."""


def sync(kinds=None, *, since=None, dry_run=False, client=None, progress=None) -> SyncRun:
    """Send the records of ``kinds`` changed since ``since`` to Salesforce; return the run.

    With ``dry_run`` nothing is sent and no record state changes: the run counts what would
    be sent. Raises :class:`SyncAborted` (with the failed run) when Salesforce cannot be
    reached or refuses the login.
    """
    kinds = list(kinds or available_kinds())
    progress = progress or NullProgress()
    run = SyncRun.objects.create(kinds=", ".join(kinds), since=since, dry_run=dry_run)
    if not dry_run:
        try:
            client = (client or SalesforceClient()).connect()
        except SalesforceUnavailable as exc:
            finish(run, SyncRun.Outcome.FAILED, str(exc))
            raise SyncAborted(str(exc), run) from exc
    batch_size = min(int(coleman_settings.SALESFORCE_BATCH_SIZE), 200)
    for kind in kinds:
        source, mapping = SOURCES[kind], mapping_for(kind)
        rows = source.queryset(since)
        progress.start(kind, rows.count())
        for batch in batched(rows.iterator(chunk_size=batch_size), batch_size):
            run.sent += len(batch)
            if not dry_run:
                send_batch(run, client, source, mapping, batch)
            progress.advance(len(batch))
        progress.finish()
    outcome = SyncRun.Outcome.DONE_WITH_ERRORS if run.failed else SyncRun.Outcome.DONE
    finish(run, outcome, f"{run.failed} records failed." if run.failed else "")
    return run


def send_batch(run, client, source, mapping, batch):
    """Upsert one batch and record what happened to each of its records."""
    records = [payload(source, mapping, row) for row in batch]
    try:
        results = client.upsert_batch(mapping["object"], mapping["external_id"], records)
    except SalesforceError as exc:
        logger.warning("Salesforce refused a batch of %s: %s", source.kind, exc)
        results = [{"success": False, "errors": [{"statusCode": "BATCH_REFUSED", "message": str(exc)[:2000]}]}] * len(
            batch
        )
    now = timezone.now()
    rows = []
    for index, row in enumerate(batch):
        result = results[index] if index < len(results) else {}
        ok = bool(result.get("success"))
        if ok:
            run.created += 1 if result.get("created") else 0
            run.updated += 0 if result.get("created") else 1
        else:
            run.failed += 1
        rows.append(
            SyncedRecord(
                kind=source.kind,
                object_pk=str(row.pk),
                label=source.label(row),
                sobject=mapping["object"],
                external_id=records[index][mapping["external_id"]],
                salesforce_id=(result.get("id") or "") if ok else "",
                status=SyncedRecord.Status.SYNCED if ok else SyncedRecord.Status.FAILED,
                error="" if ok else describe_errors(result),
                synced_at=now if ok else None,
                attempted_at=now,
                last_run=run,
            )
        )
    synced = [row for row in rows if row.status == SyncedRecord.Status.SYNCED]
    failed = [row for row in rows if row.status == SyncedRecord.Status.FAILED]
    common = {"update_conflicts": True, "unique_fields": ["kind", "object_pk"]}
    # A failure keeps the Salesforce id and time of the last success.
    SyncedRecord.objects.bulk_create(
        synced,
        update_fields=[
            "label",
            "sobject",
            "external_id",
            "salesforce_id",
            "status",
            "error",
            "synced_at",
            "attempted_at",
            "last_run",
        ],
        **common,
    )
    SyncedRecord.objects.bulk_create(
        failed,
        update_fields=["label", "sobject", "external_id", "status", "error", "attempted_at", "last_run"],
        **common,
    )
    run.save(update_fields=["sent", "created", "updated", "failed"])


def finish(run, outcome, message=""):
    """Close ``run`` with its outcome."""
    run.outcome = outcome
    run.message = message
    run.finished_at = timezone.now()
    run.save()


def last_finished_run_start():
    """When the last complete (not dry) run started, for ``--since last``."""
    run = (
        SyncRun.objects.filter(dry_run=False, outcome__in=[SyncRun.Outcome.DONE, SyncRun.Outcome.DONE_WITH_ERRORS])
        .order_by("-started_at")
        .first()
    )
    return run.started_at if run else None
