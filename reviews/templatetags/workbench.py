from django import template

from reviews.models import display_name

register = template.Library()


@register.filter
def name(user, missing=""):
    """A person's full name, else their username; `missing` when there is nobody."""
    return display_name(user) if user else missing
