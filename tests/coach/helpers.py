"""Helpers shared by the coach tests: URLs, complete valid form data, and snapshots."""

from django.forms.models import model_to_dict
from django.urls import reverse

from trajecten.models import Update
from workshops.models import Bijlage, Coachingsmoment, Workshop


def moment_url(name: str, moment) -> str:
    return reverse(
        f"coach:{moment.kind}_{name}",
        kwargs={"slug": moment.traject.slug, f"{moment.kind}_pk": moment.pk},
    )


def verslag_data(moment, **changes) -> dict:
    moment.refresh_from_db()
    data = {
        "versie": moment.versie,
        "status": moment.status,
        "verslag": moment.verslag,
        "aanwezigen": moment.aanwezigen,
        "aantal_aanwezigen": moment.aantal_aanwezigen or "",
        "beslissingen": moment.beslissingen,
        "volgende_stappen": moment.volgende_stappen,
        "interne_notities": moment.interne_notities,
        "bijlage_titel": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def snapshot() -> dict:
    """Everything the coach forms can write, to prove a refused submission changed nothing."""

    def rows(model):
        return sorted(
            (sorted(model_to_dict(obj).items(), key=str) for obj in model.objects.all()), key=str
        )

    return {
        "workshops": rows(Workshop),
        "coachingsmomenten": rows(Coachingsmoment),
        "bijlagen": rows(Bijlage),
        "updates": rows(Update),
    }
