"""``manage.py sphinx_xmlpipe``: print the products as a Sphinx xmlpipe2 feed."""

import sys

from django.core.management.base import BaseCommand

from coleman.search.sphinx import write_xmlpipe2


class Command(BaseCommand):
    """Sphinx's ``xmlpipe_command`` runs this; ``--output FILE`` writes a file instead."""

    help = "Write the active products as a Sphinx xmlpipe2 document set (stdout by default)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args, **options):
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as stream:
                count = write_xmlpipe2(stream)
            self.stderr.write(f"Wrote {count} products to {options['output']}.")
        else:
            count = write_xmlpipe2(sys.stdout)
            sys.stdout.flush()
