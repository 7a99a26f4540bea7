"""``manage.py load_cranstore [--extra N] [--no-photos]``: the book's CranStore.com demo catalog."""

from django.core.management.base import BaseCommand, CommandError

from ecommerce_book.demo.filler import create_extra_products
from ecommerce_book.demo.loader import load_cranstore


class Command(BaseCommand):
    """Create what is missing of the demo catalog (safe to run again), plus optional filler products."""

    help = (
        "Load the CranStore.com demo catalog: two catalogs, their categories, about twenty products "
        "with attributes and drawn pictures. Existing rows are left as they are, so it is safe to "
        "run again. --extra N also makes sure N generated products (no pictures) exist, for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--extra",
            type=int,
            default=0,
            metavar="N",
            help="Make sure N generated products extra-000001…extra-N exist (bulk insert, no pictures).",
        )
        parser.add_argument("--no-photos", action="store_true", help="Do not draw product pictures.")

    def handle(self, *args, extra, no_photos, **options):
        if extra < 0:
            raise CommandError("--extra must be zero or more.")
        report = load_cranstore(photos=not no_photos)
        self.stdout.write(self.style.SUCCESS(f"CranStore demo catalog loaded: {report.summary()} were new."))
        if extra:
            try:
                added = create_extra_products(extra, progress=self._progress)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{added:,} generated products added ({extra:,} wanted).")

    def _progress(self, done, total):
        """Draw a progress bar: rewritten in place on a terminal, a line per tenth in a log."""
        width = 40
        percent = 100 * done // total if total else 100
        bar = "#" * (width * percent // 100)
        line = f"Generating products [{bar:.<{width}}] {percent:3d}% {done:,}/{total:,}"
        if self.stdout.isatty():
            self.stdout.write(f"\r{line}", ending="\n" if done >= total else "")
            self.stdout.flush()
        elif percent // 10 != self._last_tenth or done >= total:
            self._last_tenth = percent // 10
            self.stdout.write(line)

    _last_tenth = -1
