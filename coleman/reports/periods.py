"""The period and catalog a report covers, read from the URL (``?period=last-month&catalog=…``).

``period`` is one of :data:`PERIODS` or ``custom`` with ``start`` and ``end`` (ISO dates,
both included). ``breakout=smallest`` pops the smallest pie slice out instead of the largest
(the book's GET flag). Anything else is refused with a message (the views answer 400).
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.core.validators import validate_slug
from django.utils import timezone

from coleman.conf import coleman_settings
from coleman.products.models import Catalog


def _month_start(day: date, months_back: int = 0) -> date:
    month_index = day.year * 12 + day.month - 1 - months_back
    return date(month_index // 12, month_index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_dates(name: str, today: date) -> tuple[date, date]:
    """First and last day (both included) of the named period, relative to ``today``."""
    if name == "this-month":
        return _month_start(today), today
    if name == "last-month":
        start = _month_start(today, 1)
        return start, _month_end(start)
    if name == "last-30-days":
        return today - timedelta(days=29), today
    if name == "last-12-months":
        return _month_start(today, 11), today
    if name == "this-year":
        return date(today.year, 1, 1), today
    if name == "last-year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError(f"Unknown period {name!r}.")


PERIODS = {
    "this-month": "This month",
    "last-month": "Last month",
    "last-30-days": "Last 30 days",
    "last-12-months": "Last 12 months",
    "this-year": "This year",
    "last-year": "Last year",
    "custom": "From … to …",
}
BREAKOUTS = {"largest": "Largest slice", "smallest": "Smallest slice"}


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the days (``start``…``end`` included), a catalog or all, and
    which pie slice to pop out."""

    start: date
    end: date
    catalog: Catalog | None = None
    period: str = "last-12-months"
    breakout: str = "largest"

    @property
    def since(self) -> datetime:
        """The first moment of the period, in the current time zone."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The moment the period ends (exclusive): midnight after ``end``."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def label(self) -> str:
        """``1 Jan 2026 – 31 Mar 2026``, with the catalog when there is one."""
        days = f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}"
        return f"{days}, {self.catalog.name}" if self.catalog else f"{days}, all catalogs"

    def query_string(self) -> str:
        """The URL parameters that give this scope again (for links to PDF, CSV, PNG)."""
        params = {"period": self.period}
        if self.period == "custom":
            params.update(start=self.start.isoformat(), end=self.end.isoformat())
        if self.catalog:
            params["catalog"] = self.catalog.slug
        if self.breakout != "largest":
            params["breakout"] = self.breakout
        return urlencode(params)


class CatalogChoiceField(forms.ModelChoiceField):
    """A catalog chosen by slug; a value that cannot be a slug is refused before any query
    (PostgreSQL refuses NUL characters in text)."""

    default_error_messages = {"invalid_choice": "Choose a catalog from the list."}

    def to_python(self, value):
        """The catalog, or a validation error for an unknown or malformed slug."""
        if value in self.empty_values:
            return None
        try:
            validate_slug(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from exc
        return super().to_python(value)


class ReportScopeForm(forms.Form):
    """The report parameters; ``scope()`` turns valid data into a :class:`ReportScope`."""

    period = forms.ChoiceField(choices=PERIODS.items(), required=False)
    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    catalog = CatalogChoiceField(
        queryset=Catalog.objects.order_by("name"), to_field_name="slug", required=False, empty_label="All catalogs"
    )
    breakout = forms.ChoiceField(choices=BREAKOUTS.items(), required=False, label="Pop out")

    def clean(self):
        """A known period, or a custom one with both dates in order and not too long."""
        data = super().clean()
        period = data.get("period") or ("custom" if data.get("start") or data.get("end") else "last-12-months")
        data["period"] = period
        if period == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                if "start" not in self.errors and "end" not in self.errors:
                    raise forms.ValidationError("A custom period needs a start and an end date (YYYY-MM-DD).")
                return data
            if end < start:
                raise forms.ValidationError("The end date is before the start date.")
            if (end - start).days > coleman_settings.REPORTS_MAX_DAYS:
                raise forms.ValidationError(
                    f"A report covers at most {coleman_settings.REPORTS_MAX_DAYS} days; choose a shorter period."
                )
        return data

    def scope(self, today: date | None = None) -> ReportScope:
        """The scope of valid data (call after ``is_valid()``)."""
        data = self.cleaned_data
        period = data["period"]
        if period == "custom":
            start, end = data["start"], data["end"]
        else:
            start, end = period_dates(period, today or timezone.localdate())
        return ReportScope(
            start=start,
            end=end,
            catalog=data.get("catalog"),
            period=period,
            breakout=data.get("breakout") or "largest",
        )

    def error_text(self) -> str:
        """Every error in one line, for a 400 page or a command's message."""
        messages = []
        for field, errors in self.errors.items():
            prefix = "" if field == "__all__" else f"{field}: "
            messages.extend(f"{prefix}{error}" for error in errors)
        return " ".join(messages)
