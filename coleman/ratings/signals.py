"""Signals of the ratings app, for apps that keep copies of ratings (cached pages, search).

``summary_changed`` is sent after the transaction that changed an object's ratings or
reviews commits, with ``content_type_id`` and ``object_id`` of the object. The ratings app
knows no other app, so an app that caches rendered product lists listens to this to
invalidate them.
"""

from django.dispatch import Signal

summary_changed = Signal()
