"""Small factory functions for the tests: readable defaults, every field overridable."""

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.utils import timezone

from besturen.models import Bestuur
from coach.access import COACH_GROUP
from trajecten.markdown import render_markdown
from trajecten.models import (
    Beleidsactie,
    Deelname,
    GekozenModule,
    Kpi,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Ronde,
    Traject,
    Update,
)
from workshops.models import Coachingsmoment, Workshop

_seq = itertools.count(1)


def make_bestuur(**fields) -> Bestuur:
    n = next(_seq)
    defaults = {
        "naam": f"Gemeente Test {n}",
        "korte_naam": f"Test {n}",
        "slug": f"test-{n}",
        "soort": Bestuur.Soort.GEMEENTE,
        "provincie": "antwerpen",
    }
    return Bestuur.objects.create(**{**defaults, **fields})


def make_ronde(**fields) -> Ronde:
    n = next(_seq)
    defaults = {
        "naam": f"Ronde {n}",
        "slug": f"ronde-{n}",
        "start": date(2022, 11, 1),
        "einde": date(2023, 6, 30),
    }
    return Ronde.objects.create(**{**defaults, **fields})


def make_traject(*, besturen=(), ronde=None, **fields) -> Traject:
    n = next(_seq)
    defaults = {
        "ronde": ronde or Ronde.objects.first() or make_ronde(),
        "soort": Traject.Soort.STRATEGIE,
        "titel": f"Traject {n}",
        "slug": f"traject-{n}",
        "gepland_start": date(2022, 11, 1),
        "gepland_einde": date(2023, 6, 30),
    }
    traject = Traject.objects.create(**{**defaults, **fields})
    for bestuur in besturen:
        Deelname.objects.create(traject=traject, bestuur=bestuur)
    return traject


def make_workshop(traject: Traject, **fields) -> Workshop:
    volgnummer = fields.pop("volgnummer", traject.workshops.count() + 1)
    defaults = {"titel": f"Workshop {volgnummer}", "thema": "Een thema"}
    return Workshop.objects.create(traject=traject, volgnummer=volgnummer, **{**defaults, **fields})


def make_coachingsmoment(traject: Traject, **fields) -> Coachingsmoment:
    defaults = {"onderwerp": "Tussentijdse coaching", "gepland_op": timezone.now()}
    return Coachingsmoment.objects.create(traject=traject, **{**defaults, **fields})


def publish_report(moment, text: str, *, internal: str = "") -> None:
    """Give a workshop or coaching moment a published report (test shortcut)."""
    moment.verslag = text
    moment.verslag_html = render_markdown(text)
    moment.interne_notities = internal
    moment.status = moment.Status.GEHOUDEN
    moment.gepubliceerd = True
    moment.gepubliceerd_op = timezone.now()
    moment.save()


def make_update(traject: Traject, **fields) -> Update:
    tekst = fields.pop("tekst", "Nieuws uit het traject.")
    defaults = {
        "datum": date(2023, 1, 15),
        "titel": "Een update",
        "gepubliceerd": True,
        "gepubliceerd_op": timezone.now(),
    }
    return Update.objects.create(
        traject=traject, tekst=tekst, tekst_html=render_markdown(tekst), **{**defaults, **fields}
    )


def make_coach(username: str, *trajecten: Traject) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "coach-wachtwoord-1")
    # The migration coach/0002 created the group; get_or_create because a transactional test's
    # flush empties the table again.
    group, _ = Group.objects.get_or_create(name=COACH_GROUP)
    user.groups.add(group)
    for traject in trajecten:
        traject.coaches.add(user)
    return user


def make_manager(username: str) -> User:
    return User.objects.create_user(
        username, f"{username}@example.org", "beheer-wachtwoord-1", is_staff=True, is_superuser=True
    )


# Structured results: a strategy's initiatives, policy actions and pilot candidates; a pilot's
# modules, partners, KPIs and measurements. They stand for recorded facts, so they are made
# published (the life cycle's tests make concepts with gepubliceerd=False); whether the public
# sees them still depends on the trajectory having public content (`openbaar()`).
PUBLISHED = {"gepubliceerd": True}


def make_lopend_initiatief(traject: Traject, **fields) -> LopendInitiatief:
    return LopendInitiatief.objects.create(
        traject=traject, **{"naam": f"Initiatief {next(_seq)}", **PUBLISHED, **fields}
    )


def make_beleidsactie(traject: Traject, **fields) -> Beleidsactie:
    return Beleidsactie.objects.create(
        traject=traject, **{"titel": f"Beleidsactie {next(_seq)}", **PUBLISHED, **fields}
    )


def make_pilotkandidaat(traject: Traject, **fields) -> Pilotkandidaat:
    return Pilotkandidaat.objects.create(
        traject=traject, **{"naam": f"Kandidaat {next(_seq)}", **PUBLISHED, **fields}
    )


def make_gekozen_module(traject: Traject, module: Ondersteuningsmodule | None = None, **fields):
    if module is None:
        module = Ondersteuningsmodule.objects.create(naam=f"Module {next(_seq)}")
    return GekozenModule.objects.create(traject=traject, module=module, **{**PUBLISHED, **fields})


def make_partner(traject: Traject, **fields) -> Partner:
    return Partner.objects.create(
        traject=traject, **{"naam": f"Partner {next(_seq)}", **PUBLISHED, **fields}
    )


def make_kpi(traject: Traject, **fields) -> Kpi:
    defaults = {"naam": f"KPI {next(_seq)}", "eenheid": "aantal", **PUBLISHED}
    return Kpi.objects.create(traject=traject, **{**defaults, **fields})


def make_meting(kpi: Kpi, **fields) -> Meting:
    defaults = {"datum": date(2023, 1, 1), "waarde": Decimal("1"), **PUBLISHED}
    return Meting.objects.create(kpi=kpi, **{**defaults, **fields})
