"""``manage.py email_report sales --period last-month --to staff@example.com`` (for cron).

Builds the PDF report in memory and mails it as an attachment. Periods, catalog and pie
breakout take the same values as the ``/reports/`` page (``--period custom --start
2026-01-01 --end 2026-03-31``).
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from coleman.core.mail import render_email
from coleman.reports.periods import PERIODS, ReportScopeForm
from coleman.reports.reports import PDF_REPORTS


class Command(BaseCommand):
    """Email a PDF report."""

    help = "Email a PDF report (sales, inventory or deals) to one or more addresses."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=sorted(PDF_REPORTS))
        parser.add_argument("--to", action="append", required=True, help="Recipient (repeat for more).")
        parser.add_argument("--period", default="last-month", choices=sorted(PERIODS))
        parser.add_argument("--start", help="First day of a custom period (YYYY-MM-DD).")
        parser.add_argument("--end", help="Last day of a custom period (YYYY-MM-DD).")
        parser.add_argument("--catalog", help="Only this catalog (slug).")
        parser.add_argument("--breakout", choices=["largest", "smallest"], default="largest")

    def handle(self, *args, report, to, period, start, end, catalog, breakout, **options):
        for address in to:
            try:
                validate_email(address)
            except ValidationError as exc:
                raise CommandError(f"Not an email address: {address!r}") from exc
        params = {
            "period": period,
            "start": start or "",
            "end": end or "",
            "catalog": catalog or "",
            "breakout": breakout,
        }
        form = ReportScopeForm(params)
        if not form.is_valid():
            raise CommandError(form.error_text())
        scope = form.scope()
        title, write = PDF_REPORTS[report]
        buffer = io.BytesIO()
        write(buffer, scope)
        subject, text, html = render_email(
            subject_template="reports/email/report_subject.txt",
            body_template="reports/email/report_body.txt",
            context={"title": title, "scope": scope},
        )
        message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
        message.attach_alternative(html, "text/html")
        message.attach(
            f"{report}-{scope.start:%Y-%m-%d}-{scope.end:%Y-%m-%d}.pdf", buffer.getvalue(), "application/pdf"
        )
        message.send()
        self.stdout.write(f"Sent {title.lower()} ({scope.label}) to {', '.join(to)}.")
