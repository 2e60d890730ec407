"""Each person's own settings: for now, the time zone every time on the page is shown in."""

import zoneinfo
from functools import cache

from django.contrib.auth import get_user_model
from django.utils import timezone

from reviews.models import Profile


@cache
def time_zones():
    """Every IANA zone the system knows, sorted; the legacy aliases ("US/Eastern") left out."""
    return sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )


def time_zone_of(user):
    """The person's zone name, or "" for the desk's TIME_ZONE."""
    if not user.is_authenticated:
        return ""
    if not hasattr(user, "_workbench_time_zone"):
        if get_user_model().profile.related.is_cached(user):
            # Loaded with the user (reviews.backends): None when the person has no profile.
            profile = getattr(user, "profile", None)
        else:
            profile = Profile.objects.filter(user=user).only("time_zone").first()
        user._workbench_time_zone = profile.time_zone if profile else ""
    return user._workbench_time_zone


def set_time_zone(user, name):
    """Save the person's zone ("" for the desk's); a name not in time_zones() is refused."""
    if name and name not in time_zones():
        raise ValueError(f"“{name}” is not a time zone this server knows.")
    Profile.objects.update_or_create(user=user, defaults={"time_zone": name})
    user._workbench_time_zone = name


class TimeZoneMiddleware:
    """After AuthenticationMiddleware: times on the page and in messages are in the person's
    own zone, which the `moment` filter names."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is logged in: do not touch the session (a health
        # probe or a visitor to the login page gets the desk's zone).
        name = time_zone_of(request.user) if request.session.session_key else ""
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None  # a zone removed from the system since: fall back to the desk's
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
