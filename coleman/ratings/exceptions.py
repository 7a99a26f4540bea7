"""Errors raised by the ratings services; each carries a message fit for a shopper."""


class RatingError(Exception):
    """Base class of every ratings error; ``str(error)`` is a message for the shopper."""

    status_code = 400


class InvalidRating(RatingError):
    """The rating is not a whole number of stars between 1 and the maximum."""


class NotRateable(RatingError):
    """Objects of this kind may not be rated or reviewed (not in the allowed models)."""

    status_code = 404


class UnknownObject(RatingError):
    """No such object to rate (unknown id, or not visible to shoppers)."""

    status_code = 404
