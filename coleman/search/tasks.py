"""Search index updates as tasks, so a product save does not wait for the index.

The real-time signal processor (:mod:`coleman.search.signals`) enqueues these once the
product's transaction commits; the project's task backend runs them (in the request with the
immediate backend, in a worker with the database or RQ backend). Arguments are product ids
and document identifiers, plain JSON.
"""

from django.apps import apps
from django_tasks import task


def _signal_processor():
    return apps.get_app_config("haystack").signal_processor


@task()
def update_products_in_index(product_ids):
    """Index the products ``product_ids`` (removing inactive ones); failures are logged."""
    processor = _signal_processor()
    processor._safely(processor._update_products, list(product_ids))


@task()
def remove_document_from_index(identifier):
    """Remove the document ``identifier`` (``app_label.model.pk``) from the index; failures are logged."""
    processor = _signal_processor()
    processor._safely(processor._remove_document, identifier)
