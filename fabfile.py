"""Deployment tasks for Fabric 3 (``fab --list``).

Deployment (``fab deploy`` to a server with gunicorn and a web server in front) arrives with
the deployment issue. Until then ``deploy`` says so and stops: nothing here pretends to
deploy. ``check_deploy`` already works, locally.
"""

import sys

from fabric import task

NOT_YET = (
    "fab deploy is not written yet: deployment arrives with the deployment issue.\n"
    "Meanwhile see README.md (Configuration) for the production settings."
)


@task
def deploy(c):
    """Deploy the store to the servers (not written yet; stops with a message)."""
    sys.exit(NOT_YET)


@task
def check_deploy(c):
    """Run Django's deployment checks on this machine with the production settings.

    Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL in the environment.
    """
    c.run(
        f"{sys.executable} manage.py check --deploy --fail-level WARNING",
        env={"DJANGO_SETTINGS_MODULE": "ecommerce_book.settings.production"},
    )
