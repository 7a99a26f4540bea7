"""The back-in-stock emails as a task, so a staff member's stock change does not wait for
them (the project's task backend runs it: in the request with the immediate backend, in a
worker with the database or RQ backend)."""

from django_tasks import task

from . import services


@task()
def send_stock_alerts(product_id):
    """Email the shoppers waiting for product ``product_id`` (each once); returns how many."""
    return services.send_waiting_alerts(product_id)
