"""What was synced to Salesforce, and when.

``SyncRun`` is one run of ``manage.py salesforce_sync`` (or of the service); ``SyncedRecord``
is the latest state of one store record in Salesforce: its Salesforce id, the last time it
was sent successfully, and the error of the last attempt if it failed.
"""

from django.db import models
from django.utils import timezone


class SyncRun(models.Model):
    """One sync: when, what, how many records went well or failed."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        DONE_WITH_ERRORS = "errors", "Done with errors"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    kinds = models.CharField(max_length=100, help_text="products, customers, orders")
    since = models.DateTimeField(null=True, blank=True, help_text="Only records changed since then.")
    dry_run = models.BooleanField(default=False)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    sent = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = "sync run"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"Sync of {self.kinds} at {self.started_at:%Y-%m-%d %H:%M} ({self.get_outcome_display()})"


class SyncedRecord(models.Model):
    """A store record as Salesforce knows it."""

    class Status(models.TextChoices):
        SYNCED = "synced", "Synced"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20)
    object_pk = models.CharField("store id", max_length=64)
    label = models.CharField(max_length=300)
    sobject = models.CharField("Salesforce object", max_length=80)
    external_id = models.CharField(max_length=80)
    salesforce_id = models.CharField("Salesforce id", max_length=18, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    synced_at = models.DateTimeField("last synced", null=True, blank=True)
    attempted_at = models.DateTimeField("last attempt")
    last_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="records")

    class Meta:
        verbose_name = "synced record"
        ordering = ["kind", "label", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_pk"], name="salesforce_one_record_per_object")]
        indexes = [models.Index(fields=["status", "kind"], name="salesforce_record_status_idx")]

    def __str__(self):
        return f"{self.kind}: {self.label} → {self.salesforce_id or '—'}"
