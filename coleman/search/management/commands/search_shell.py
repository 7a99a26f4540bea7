"""``manage.py search_shell``: try queries against the search backend (the book's ``indexshell``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from coleman.search.backends import backend_path, get_backend
from coleman.search.backends.base import SearchRequest
from coleman.search.exceptions import SearchError

PROMPT = "search> "


class Command(BaseCommand):
    """Runs queries and prints each hit with its score, for staff tuning the index."""

    help = "Run search queries and print the hits with their scores (interactive without a query)."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="*", help="Query to run; without one, read queries from the prompt.")
        parser.add_argument("--backend", help="Dotted path of a backend class (default: the configured one).")
        parser.add_argument("--limit", type=int, default=10, help="Hits to print (default 10).")

    def handle(self, *args, **options):
        try:
            backend = get_backend(options["backend"])
        except ImportError as error:
            raise CommandError(f"Cannot load backend: {error}") from error
        self.limit = max(1, options["limit"])
        self.stdout.write(f"Backend: {backend.name} ({options['backend'] or backend_path()})")
        if options["query"]:
            self.run(backend, " ".join(options["query"]))
            return
        self.stdout.write("Type a query and press Enter; an empty line or Ctrl-D quits.")
        while True:
            try:
                text = input(PROMPT)
            except EOFError:
                break
            if not text.strip():
                break
            self.run(backend, text)

    def run(self, backend, text):
        """Run one query and print its hits."""
        started = time.perf_counter()
        try:
            outcome = backend.search(SearchRequest(text=text, per_page=self.limit))
        except SearchError as error:
            self.stderr.write(f"Search failed: {error}")
            return
        elapsed = (time.perf_counter() - started) * 1000
        more = "+" if outcome.truncated else ""
        noun = "hit" if outcome.count == 1 else "hits"
        self.stdout.write(f"{outcome.count}{more} {noun} for {text!r} in {elapsed:.1f} ms")
        if outcome.suggestion:
            self.stdout.write(f"Did you mean: {outcome.suggestion}")
        for rank, hit in enumerate(outcome.hits, start=1):
            self.stdout.write(
                f"{rank:>3}. <Hit: products.Product pk={hit.pk} score={hit.score:.4f}> "
                f"{hit.name} ({hit.price}) [{hit.category}]"
            )
