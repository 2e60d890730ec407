"""How a moment reads on the page and in messages: in the active time zone (the person's own,
set on /preferences/ and activated by reviews.preferences.TimeZoneMiddleware; else
settings.TIME_ZONE), which is named, so a desk spread over time zones never guesses."""

from django.utils import dateformat, timezone

FORMAT = "M j, H:i T"
WITH_SECONDS = "M j, H:i:s T"


def moment(value, seconds=False):
    """'Mar 5, 14:07 KST' for an aware datetime ('Mar 5, 14:07:31 KST' with seconds)."""
    return dateformat.format(timezone.localtime(value), WITH_SECONDS if seconds else FORMAT)
