"""Helpers for the tests of the one page per workshop outcome: URLs, reference terms, the POST
a browser would send for the page as shown, and a snapshot of everything the page can write."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from tests.coach.helpers import snapshot as moment_snapshot
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Traject,
)


def uitkomst_url(moment, name: str = "uitkomst") -> str:
    return reverse(
        f"coach:{moment.kind}_{name}",
        kwargs={"slug": moment.traject.slug, f"{moment.kind}_pk": moment.pk},
    )


def make_references() -> dict:
    terms = {}
    for model, names in [
        (Actiedomein, ["Bouw", "Textiel", "Voeding", "Kunststoffen"]),
        (Beleidsinstrument, ["Aankoopbeleid", "Subsidies", "Regelgeving"]),
        (Ondersteuningsmodule, ["Businessmodel", "Partners zoeken", "KPI's en monitoring"]),
    ]:
        terms[model.__name__] = [
            model.objects.create(naam=name, slug=f"{model.__name__.lower()}-{i}", volgorde=i)
            for i, name in enumerate(names)
        ]
    terms["KpiDefinitie"] = [
        KpiDefinitie.objects.create(naam="Hergebruik", slug="hergebruik", eenheid="kg")
    ]
    return terms


def _formatted(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_formatted(v) for v in value]
    return "" if value is None else str(value)


def page_data(response) -> dict:
    """What the browser sends when the coach saves the page as it was shown."""
    context = response.context
    forms = [context["form"]]
    if context["prioriteiten"] is not None:
        forms.append(context["prioriteiten"])
    for section in context["sections"]:
        formset = section["formset"]
        forms += [formset.management_form, *formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            if bound.widget_type in {"clearablefile", "multiplefile", "file"}:
                continue
            value = _formatted(bound.value())
            if value is not None:
                data[bound.html_name] = value
    return data


def past_day(days: int = 5) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


RESULT_MODELS = [
    LopendInitiatief,
    Beleidsactie,
    Pilotkandidaat,
    GekozenModule,
    Partner,
    Kpi,
    Meting,
]


def snapshot() -> dict:
    """The moments, attachments and updates, every structured result and the priorities."""

    def rows(model):
        return sorted(
            (sorted(model_to_dict(obj).items(), key=str) for obj in model.objects.all()), key=str
        )

    state = moment_snapshot()
    for model in RESULT_MODELS:
        state[model.__name__] = rows(model)
    state["prioriteiten"] = sorted(
        (
            t.pk,
            t.versie,
            sorted(t.prioritaire_actiedomeinen.values_list("pk", flat=True)),
            sorted(t.beleidsinstrumenten.values_list("pk", flat=True)),
        )
        for t in Traject.objects.all()
    )
    return state


def uitkomst_data(client, moment, **changes) -> dict:
    """The outcome page's POST as shown to `client` now, with `changes` (None drops a field)."""
    data = page_data(client.get(uitkomst_url(moment)))
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
