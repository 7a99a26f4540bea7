"""``manage.py load_exchange_rates FILE``: create or update display rates from a CSV file.

Each line is ``CODE,RATE`` or ``CODE,RATE,NAME,SYMBOL`` (a header line starting with "code" is
skipped); RATE is units of that currency for one unit of the store's currency. A bad line stops
the command before anything is written.
"""

import csv
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...models import ExchangeRate


class Command(BaseCommand):
    """Load exchange rates from a CSV file."""

    help = "Create or update display-currency rates from a CSV file (CODE,RATE[,NAME,SYMBOL])."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                rows = [row for row in csv.reader(handle) if row and not row[0].strip().lower().startswith("code")]
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        parsed = []
        for number, row in enumerate(rows, start=1):
            code = row[0].strip().upper()
            try:
                rate = Decimal(row[1].strip())
            except (IndexError, InvalidOperation):
                raise CommandError(f"Line {number}: no rate for {code!r}.") from None
            if len(code) != 3 or not code.isalpha() or not rate.is_finite() or rate <= 0:
                raise CommandError(f"Line {number}: {code!r} {row[1].strip()!r} is not a currency code and rate.")
            name = row[2].strip() if len(row) > 2 else ""
            symbol = row[3].strip() if len(row) > 3 else ""
            parsed.append((code, rate.quantize(Decimal("0.000001")), name, symbol))
        with transaction.atomic():
            for code, rate, name, symbol in parsed:
                defaults = {"rate": rate} | ({"name": name} if name else {}) | ({"symbol": symbol} if symbol else {})
                ExchangeRate.objects.update_or_create(code=code, defaults=defaults)
        self.stdout.write(f"{len(parsed)} exchange rates loaded.")
