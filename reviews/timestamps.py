"""How a moment reads on the page and in messages: local to settings.TIME_ZONE, which is named,
so a desk spread over time zones never guesses. (Per-person time zones come later.)"""

from django.utils import dateformat, timezone

FORMAT = "M j, H:i T"


def moment(value):
    """'Mar 5, 14:07 KST' for an aware datetime."""
    return dateformat.format(timezone.localtime(value), FORMAT)
