"""How a stored value reads in the coach's history and conflict tables."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def waarde(value) -> str:
    """ja/nee for a flag; a moment in the portal's time zone as "14 feb 2023, 09.30"."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "j b Y, H.i")
    if isinstance(value, date):
        return date_format(value, "j b Y")
    return str(value)
