"""A small world for the coach workspace tests: two trajectories, each with its own coach."""

import io
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from tests import factories
from trajecten.models import Traject
from workshops.models import Bijlage


def png_bytes(size=(8, 8), colour=(31, 111, 67)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _around_today() -> dict:
    # The tests plan moments relative to today; a date outside the planned period would need
    # the explicit confirmation of workshops/datums.py.
    today = timezone.localdate()
    return {
        "gepland_start": today - timedelta(days=400),
        "gepland_einde": today + timedelta(days=400),
    }


@dataclass
class World:
    """The cast and objects every coach URL needs; objects are made when first asked for."""

    coach: object
    other_coach: object
    manager: object

    @cached_property
    def traject(self):
        traject = factories.make_traject(titel="Traject van de coach", **_around_today())
        traject.coaches.add(self.coach)
        return traject

    @cached_property
    def pilot_traject(self):
        traject = factories.make_traject(
            titel="Pilootproject van de coach", soort=Traject.Soort.PILOOTPROJECT, **_around_today()
        )
        traject.coaches.add(self.coach)
        return traject

    @cached_property
    def other_traject(self):
        traject = factories.make_traject(titel="Traject van een andere coach", **_around_today())
        traject.coaches.add(self.other_coach)
        return traject

    @cached_property
    def workshop(self):
        return factories.make_workshop(
            self.traject,
            volgnummer=1,
            gepland_op=timezone.now() - timedelta(days=3),
            verslag="Een **klad**verslag.",
        )

    @cached_property
    def coachingsmoment(self):
        return factories.make_coachingsmoment(
            self.traject, gepland_op=timezone.now() - timedelta(days=2)
        )

    @cached_property
    def bijlage(self):
        bijlage = Bijlage(
            workshop=self.workshop,
            titel="Foto van de flip-over",
            bestandsnaam="flip-over.png",
            mime_type="image/png",
            is_afbeelding=True,
            is_publiek=False,
        )
        content = png_bytes()
        bijlage.grootte = len(content)
        bijlage.bestand.save("flip-over.png", ContentFile(content), save=False)
        bijlage.save()
        return bijlage

    @cached_property
    def update(self):
        return factories.make_update(self.traject, titel="Nieuws", gepubliceerd=False)

    def user(self, role: str):
        return {
            "anonymous": None,
            "coach": self.coach,
            "other_coach": self.other_coach,
            "manager": self.manager,
        }[role]


@pytest.fixture
def world(coach, other_coach, manager):
    world = World(coach=coach, other_coach=other_coach, manager=manager)
    world.other_traject  # noqa: B018 - the other coach needs a trajectory of their own
    return world


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.coach)
    return client
