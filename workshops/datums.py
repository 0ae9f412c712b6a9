"""Dates that make sense: the rules a moment's date follows, for the coach forms and admin.

A moment is held, or gets a published report, only with a date. A date outside the
trajectory's planned period (or its round) is allowed, but only when the person entering it
confirms that on purpose: a typing mistake (2027 for 2023) must not pass silently.
"""

from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as format_date

from trajecten.models import Traject

CONFIRM_FIELD = "datum_buiten_periode"
CONFIRM_LABEL = "Ik bevestig deze datum buiten de geplande periode van het traject of de ronde"
NO_DATE_HELD = "Een gehouden moment heeft een datum: vul eerst de datum in."
NO_DATE_PUBLISHED = "Een verslag wordt enkel gepubliceerd bij een moment met een datum."


def _day(value: date) -> str:
    return format_date(value, "j F Y")


def outside_period(traject: Traject, when: datetime | None) -> str | None:
    """A sentence saying how the date falls outside the planned period or round, or None."""
    if when is None:
        return None
    day = timezone.localtime(when).date()
    start = min(traject.gepland_start, traject.ronde.start)
    end = max(traject.gepland_einde, traject.ronde.einde)
    if start <= day <= end:
        return None
    return (
        f"De datum {_day(day)} valt buiten de geplande periode van het traject "
        f"({_day(traject.gepland_start)} – {_day(traject.gepland_einde)}) en van "
        f"{traject.ronde.naam} ({_day(traject.ronde.start)} – {_day(traject.ronde.einde)}). "
        "Klopt ze toch, vink dan de bevestiging aan."
    )


def out_of_order(workshop, number: int, when: datetime) -> str | None:
    """Why a workshop with this number on this date breaks its track's order, if it does:
    workshop 2 does not fall before workshop 1."""
    others = workshop.traject.workshops.exclude(pk=workshop.pk).exclude(gepland_op__isnull=True)
    earlier = others.filter(volgnummer__lt=number, gepland_op__gt=when).first()
    if earlier:
        return f"Workshop {earlier.volgnummer} valt later; de volgorde klopt niet."
    later = others.filter(volgnummer__gt=number, gepland_op__lt=when).first()
    if later:
        return f"Workshop {later.volgnummer} valt vroeger; de volgorde klopt niet."
    return None


def confirm_field() -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label=CONFIRM_LABEL,
        help_text="Enkel nodig als de datum buiten die periode valt.",
    )


def check_moment_dates(
    form: forms.BaseForm,
    *,
    traject: Traject,
    when: datetime | None,
    held: bool,
    published: bool,
    date_field: str,
) -> None:
    """Add the errors of the date rules to `form` (which has the CONFIRM_FIELD)."""
    if held and when is None:
        form.add_error(date_field, NO_DATE_HELD)
    elif published and when is None:
        form.add_error(date_field, NO_DATE_PUBLISHED)
    problem = outside_period(traject, when)
    if problem and not form.cleaned_data.get(CONFIRM_FIELD):
        form.add_error(date_field, problem)
