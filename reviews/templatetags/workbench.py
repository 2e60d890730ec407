from functools import cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe

from reviews.diffing import render_diff
from reviews.models import display_name
from reviews.pairing import describe_change
from reviews.timestamps import moment as format_moment

register = template.Library()


@register.simple_tag
def url_of(name):
    """{% url 'name' %} for a view without arguments, worked out once per URL prefix, URLconf and
    language: the base and the desk's page name a dozen views on every request, and reverse()
    cost about as much as the rest of the header. Escaped as {% url %} escapes."""
    return _reversed(name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF,
                     translation.get_language())  # fmt: skip


@cache
def _reversed(name, prefix, urlconf, root_urlconf, language):
    # Everything reverse() reads is in the arguments; the URL patterns do not change while the
    # process runs (a test that swaps ROOT_URLCONF changes the key).
    return reverse(name, urlconf=urlconf)


@register.filter
def name(user, missing=""):
    """A person's full name, else their username; `missing` when there is nobody."""
    return display_name(user) if user else missing


@register.filter
def diff(ops):
    """Word diff ops as track changes; the one place diff HTML is marked safe, because
    render_diff escapes every piece of text it is given."""
    return mark_safe(render_diff(ops or []))  # noqa: S308


@register.filter
def moment(value, precision=""):
    """A time as the page shows it, with its time zone: {{ x|moment }}, {{ x|moment:"seconds" }}.
    Also takes the ISO text events keep in their payload."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return format_moment(value, seconds=precision == "seconds") if value else ""


@register.filter
def open_findings(findings):
    """The findings nobody dismissed."""
    return [f for f in findings or () if not f.get("dismissed")]


@register.filter
def errors_only(findings):
    return [f for f in findings or () if f.get("severity") == "error"]


@register.simple_tag
def now_moment():
    """The present moment as every time on the page reads, in the active time zone."""
    return format_moment(timezone.now())


@register.filter
def plain_number(value):
    """15.0 as "15", 12.5 as "12.5": a setting as a person would write it."""
    return f"{value:g}"


@register.filter
def pairing_change(payload):
    """A pairing event's change in words (reviews.pairing.describe_change)."""
    return describe_change(payload or {})


@register.filter
def attention(paragraph):
    """Why a row needs a look, as the space-separated words the n / p keys look for: an open
    proposal, an unresolved comment, a check finding nobody dismissed, no approval yet. The
    grid's query annotates open_proposals and unresolved_count."""
    reasons = []
    if getattr(paragraph, "open_proposals", None):
        reasons.append("proposal")
    if getattr(paragraph, "unresolved_count", 0):
        reasons.append("comment")
    if open_findings(paragraph.findings):
        reasons.append("finding")
    if paragraph.status != paragraph.Status.APPROVED:
        reasons.append("unapproved")
    return " ".join(reasons)
