"""``manage.py add_license_keys <product-slug> [--generate N] [--file keys.txt]``."""

from django.core.management.base import BaseCommand, CommandError

from coleman.digital.services import add_license_keys, generate_license_keys
from coleman.products.models import Product


class Command(BaseCommand):
    """Fill a digital product's license key pool from a file (one key a line) or by generating keys."""

    help = "Add license keys to a digital product's pool (from a file, or generated like 1456-1514-3657-2198)."

    def add_arguments(self, parser):
        parser.add_argument("product", help="The product's slug.")
        parser.add_argument("--generate", type=int, default=0, help="Generate this many new keys.")
        parser.add_argument("--file", help="A text file with one key per line.")

    def handle(self, *args, product, generate=0, file=None, **options):
        found = Product.objects.filter(slug=product).first()
        if found is None:
            raise CommandError(f"No product with the slug {product!r}.")
        if not found.is_digital:
            raise CommandError(f"{found} is not a digital product.")
        if generate < 0 or (not generate and not file):
            raise CommandError("Give --generate N (N > 0) or --file.")
        added = 0
        if file:
            try:
                with open(file, encoding="utf-8") as keys:
                    added += add_license_keys(found, keys.read().splitlines())
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {file}: {exc}") from exc
        if generate:
            added += generate_license_keys(found, generate)
        self.stdout.write(f"{added} keys added to the pool of {found}.")
