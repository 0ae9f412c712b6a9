"""Helpers shared by the coach tests: URLs and snapshots."""

from django.forms.models import model_to_dict
from django.urls import reverse

from trajecten.models import Update
from workshops.models import Bijlage, Coachingsmoment, Workshop


def moment_url(name: str, moment) -> str:
    return reverse(
        f"coach:{moment.kind}_{name}",
        kwargs={"slug": moment.traject.slug, f"{moment.kind}_pk": moment.pk},
    )


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
