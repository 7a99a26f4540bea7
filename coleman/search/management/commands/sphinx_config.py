"""``manage.py sphinx_config``: generate ``sphinx.conf`` for the product index."""

import shlex
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from coleman.search.sphinx import write_config


class Command(BaseCommand):
    """Writes sphinx.conf (xmlpipe2 source, stem_en, stop words, min_word_len 2, searchd)."""

    help = "Generate sphinx.conf and its stop-word list for the Coleman product index."

    def add_arguments(self, parser):
        default = Path(getattr(settings, "VAR_DIR", settings.BASE_DIR / "var")) / "sphinx" / "sphinx.conf"
        parser.add_argument("--output", default=str(default), help=f"Config file to write (default {default}).")
        parser.add_argument("--data-dir", help="Folder for the index files and logs (default: next to it).")
        parser.add_argument("--host", help="searchd listen address (COLEMAN_SEARCH_SPHINX_HOST).")
        parser.add_argument("--port", type=int, help="searchd SphinxQL port (COLEMAN_SEARCH_SPHINX_PORT).")
        parser.add_argument(
            "--feed-file",
            help="Index this xmlpipe2 file (from sphinx_xmlpipe --output) instead of the database.",
        )

    def handle(self, *args, **options):
        feed = f"cat {shlex.quote(options['feed_file'])}" if options["feed_file"] else None
        data_dir = write_config(
            options["output"],
            data_dir=options["data_dir"],
            host=options["host"],
            port=options["port"],
            feed=feed,
        )
        self.stdout.write(f"Wrote {options['output']} (index data in {data_dir}).")
        self.stdout.write(f"Build the index:  indexer --config {options['output']} --all --rotate")
        self.stdout.write(f"Start searchd:    searchd --config {options['output']}")
