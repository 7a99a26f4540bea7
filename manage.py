#!/usr/bin/env python
"""Django's command-line utility for the Coleman store project."""

import os
import sys


def main():
    """Run administrative tasks with the development settings by default."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_book.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
