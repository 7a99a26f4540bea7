"""Star ratings and written reviews of any model, through the contenttypes framework.

The app knows no other Coleman app: the models that may be rated are named in
``COLEMAN_RATINGS_ALLOWED_MODELS``.
"""
