"""Progress as the visitor reads it: the one place where it is derived.

Every output (pages, cards, comparison, map, search, feeds, calendar, digests, open data, admin)
reads these functions, through `Ronde.fase`, `Traject.voortgang` and `Moment.voortgang`.

Three levels:

- a round is upcoming, running or past by its dates, or closed by a manager;
- a moment (workshop or coaching moment) has no date yet, is planned on a date, has a date
  that passed with nothing recorded, was held, has a published report, or was cancelled;
- a trajectory is an unfilled place, not started, under way, completed, stopped, or (once its
  round is over) without any public information.

What we do not know is shown as not known, never as late: "achter op planning" only inside a
running round, for a moment whose recorded date is more than a grace period ago
(`settings.BEHIND_PLAN_GRACE_DAYS`) and that was neither held nor cancelled.

The functions read plain attributes (duck typing), so `trajecten` needs no import of
`workshops`: a moment is anything with `status`, `gepland_op`, `is_public`, `is_demo`,
`gepubliceerd_op` and `kind`.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date


class RondeFase(models.TextChoices):
    KOMEND = "komend", "Komend"
    LOPEND = "lopend", "Lopend"
    VOORBIJ = "voorbij", "Voorbij"
    AFGESLOTEN = "afgesloten", "Afgesloten"


ENDED = frozenset({RondeFase.VOORBIJ, RondeFase.AFGESLOTEN})


class MomentStaat(models.TextChoices):
    GEEN_DATUM = "geen_datum", "Nog geen datum"
    GEPLAND = "gepland", "Gepland"
    DATUM_VOORBIJ = "datum_voorbij", "Datum voorbij, geen verslag"
    GEHOUDEN = "gehouden", "Gehouden"
    VERSLAG_GEPUBLICEERD = "verslag_gepubliceerd", "Gehouden, verslag gepubliceerd"
    GEANNULEERD = "geannuleerd", "Geannuleerd"


class TrajectStaat(models.TextChoices):
    NIET_INGEVULD = "niet_ingevuld", "Nog niet ingevuld"
    NIET_GESTART = "niet_gestart", "Niet gestart"
    ONDERWEG = "onderweg", "Onderweg"
    AFGEROND = "afgerond", "Afgerond"
    GESTOPT = "gestopt", "Gestopt"
    GEEN_PUBLIEKE_INFORMATIE = "geen_publieke_informatie", "Geen publieke informatie"


# Once the round is over, nothing is "gepland" nor "onderweg" any more: the final known state.
_ENDED_MOMENT_LABELS = {MomentStaat.GEEN_DATUM: "Niets vastgelegd"}
_ENDED_TRAJECT_LABELS = {TrajectStaat.ONDERWEG: "Deels vastgelegd"}

HELD = frozenset({MomentStaat.GEHOUDEN, MomentStaat.VERSLAG_GEPUBLICEERD})
OPEN = frozenset({MomentStaat.GEEN_DATUM, MomentStaat.GEPLAND, MomentStaat.DATUM_VOORBIJ})


@functools.cache
def _stored_status():
    """workshops' `Moment.Status`, through the app registry: trajecten does not import workshops."""
    return apps.get_model("workshops", "Workshop").Status


def grace_period() -> timedelta:
    return timedelta(days=settings.BEHIND_PLAN_GRACE_DAYS)


def ronde_fase(ronde, today: date | None = None) -> RondeFase:
    """Closed by a manager, else upcoming, running or past by its dates (Brussels days)."""
    today = today or timezone.localdate()
    if ronde.afgesloten_op is not None and ronde.afgesloten_op <= today:
        return RondeFase.AFGESLOTEN
    if today < ronde.start:
        return RondeFase.KOMEND
    if today > ronde.einde:
        return RondeFase.VOORBIJ
    return RondeFase.LOPEND


def ronde_zin(ronde, fase: RondeFase) -> str:
    """One sentence on where the round stands, for the home and round pages."""
    periode = f"van {_maand(ronde.start)} tot {_maand(ronde.einde)}"
    if fase == RondeFase.KOMEND:
        return f"{ronde.naam} start binnenkort: ze loopt {periode}."
    if fase == RondeFase.LOPEND:
        return f"{ronde.naam} loopt {periode}."
    if fase == RondeFase.AFGESLOTEN:
        return (
            f"{ronde.naam} liep {periode} en is afgesloten. Wat hieronder staat, is wat er "
            "publiek bekend is over elk traject."
        )
    return (
        f"{ronde.naam} liep {periode} en is voorbij. Wat hieronder staat, is wat er publiek "
        "bekend is over elk traject."
    )


def _maand(day: date) -> str:
    return format_date(day, "F Y")


@dataclass(frozen=True)
class MomentVoortgang:
    staat: MomentStaat
    label: str
    achter_op_planning: bool
    is_demo: bool

    @property
    def is_held(self) -> bool:
        return self.staat in HELD


def moment_voortgang(
    moment, *, fase: RondeFase, now: datetime | None = None, may_be_behind: bool = True
) -> MomentVoortgang:
    """A moment's state; `may_be_behind` is False for an unfilled place or a stopped one."""
    now = now or timezone.now()
    ended = fase in ENDED
    if moment.status == _stored_status().GEANNULEERD:
        staat = MomentStaat.GEANNULEERD
    elif moment.is_public:
        staat = MomentStaat.VERSLAG_GEPUBLICEERD
    elif moment.status == _stored_status().GEHOUDEN:
        staat = MomentStaat.GEHOUDEN
    elif moment.gepland_op is None:
        staat = MomentStaat.GEEN_DATUM
    elif moment.gepland_op > now and not ended:
        staat = MomentStaat.GEPLAND
    elif moment.gepland_op > now:
        # A round closed early: a date still to come will not be kept any more.
        staat = MomentStaat.GEEN_DATUM
    else:
        staat = MomentStaat.DATUM_VOORBIJ
    behind = (
        may_be_behind
        and staat == MomentStaat.DATUM_VOORBIJ
        and fase == RondeFase.LOPEND
        and moment.gepland_op < now - grace_period()
    )
    label = _ENDED_MOMENT_LABELS.get(staat, staat.label) if ended else staat.label
    return MomentVoortgang(
        staat=staat,
        label=label,
        achter_op_planning=behind,
        is_demo=moment.is_demo,
    )


@dataclass(frozen=True)
class TrajectVoortgang:
    staat: TrajectStaat
    label: str
    samenvatting: str
    fase: RondeFase
    achter_op_planning: bool
    workshops_gehouden: int
    workshops_totaal: int
    verslagen: int
    volgende_stap: object | None
    laatst_bijgewerkt: datetime | None
    is_demo: bool
    momenten: tuple[tuple[object, MomentVoortgang], ...]

    @property
    def is_ended(self) -> bool:
        return self.fase in ENDED

    @property
    def kort(self) -> str:
        """The label with the plan and demo marks, for one-line outputs (search, map)."""
        text = self.label
        if self.achter_op_planning:
            text += " · Achter op planning"
        return f"{text} · demo" if self.is_demo else text

    @property
    def marge_dagen(self) -> int:
        return settings.BEHIND_PLAN_GRACE_DAYS

    @property
    def procent(self) -> int:
        if not self.workshops_totaal:
            return 0
        return round(100 * self.workshops_gehouden / self.workshops_totaal)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _samenvatting(staat: TrajectStaat, held: int, total: int, reports: int, ended: bool) -> str:
    if staat == TrajectStaat.NIET_INGEVULD:
        if ended:
            return "Welk bestuur deze plaats innam, is niet publiek bekend."
        return "Het bestuur voor deze plaats is nog niet bekend."
    if staat == TrajectStaat.GEEN_PUBLIEKE_INFORMATIE:
        return "Geen publieke informatie over dit traject."
    if total:
        parts = [f"{held} van {_count(total, 'workshop', 'workshops')} gehouden"]
    else:
        parts = ["nog geen workshops gepland"]
    parts.append(
        _count(reports, "verslag gepubliceerd", "verslagen gepubliceerd")
        if reports
        else "geen verslag gepubliceerd"
    )
    sentence = "; ".join(parts)
    if staat == TrajectStaat.GESTOPT:
        sentence = f"Gestopt: {sentence}"
    return sentence[0].upper() + sentence[1:] + "."


def can_be_behind(traject) -> bool:
    """An unfilled place or a stopped trajectory is never behind plan."""
    return not (traject.is_open or traject.gestopt)


def traject_voortgang(
    traject, *, momenten: list, updates: list, now: datetime | None = None
) -> TrajectVoortgang:
    """The trajectory's progress, from its moments (in time order) and its public updates."""
    now = now or timezone.now()
    fase = ronde_fase(traject.ronde, timezone.localdate(now))
    ended = fase in ENDED
    may_be_behind = can_be_behind(traject)
    pairs = tuple(
        (m, moment_voortgang(m, fase=fase, now=now, may_be_behind=may_be_behind)) for m in momenten
    )
    workshops = [(m, v) for m, v in pairs if m.kind == "workshop"]
    total = sum(1 for _, v in workshops if v.staat != MomentStaat.GEANNULEERD)
    held = sum(1 for _, v in workshops if v.is_held)
    any_held = any(v.is_held for _, v in pairs)
    reports = sum(1 for _, v in pairs if v.staat == MomentStaat.VERSLAG_GEPUBLICEERD)
    published = [m.gepubliceerd_op for m in momenten if m.is_public and m.gepubliceerd_op]
    published += [u.gepubliceerd_op for u in updates if u.gepubliceerd_op]
    laatst = max(published, default=None)

    if traject.is_open:
        staat = TrajectStaat.NIET_INGEVULD
    elif traject.gestopt:
        staat = TrajectStaat.GESTOPT
    elif total and held >= total:
        staat = TrajectStaat.AFGEROND
    elif any_held or (ended and laatst is not None):
        staat = TrajectStaat.ONDERWEG
    elif ended:
        staat = TrajectStaat.GEEN_PUBLIEKE_INFORMATIE
    else:
        staat = TrajectStaat.NIET_GESTART

    counts = staat not in {TrajectStaat.NIET_INGEVULD, TrajectStaat.GESTOPT}
    behind = any(v.achter_op_planning for _, v in pairs)
    next_step = None
    if counts and not ended and staat != TrajectStaat.AFGEROND:
        planned = [m for m, v in pairs if v.staat == MomentStaat.GEPLAND]
        undated = [m for m, v in pairs if v.staat == MomentStaat.GEEN_DATUM]
        next_step = (planned or undated or [None])[0]
    # Anything derived from demo content carries the demo mark: a demo report or held moment
    # shapes the counts, a demo update the freshness.
    is_demo = any(v.is_demo and v.staat in HELD for _, v in pairs) or any(
        u.is_demo for u in updates
    )
    label = _ENDED_TRAJECT_LABELS.get(staat, staat.label) if ended else staat.label
    return TrajectVoortgang(
        staat=staat,
        label=label,
        samenvatting=_samenvatting(staat, held, total, reports, ended),
        fase=fase,
        achter_op_planning=behind,
        workshops_gehouden=held,
        workshops_totaal=total,
        verslagen=reports,
        volgende_stap=next_step,
        laatst_bijgewerkt=laatst,
        is_demo=is_demo and staat != TrajectStaat.NIET_INGEVULD,
        momenten=pairs,
    )


def ronde_samenvatting(trajecten: list) -> list[str]:
    """What is known about a round's trajectories, in a few plain sentences."""
    progress = [t.voortgang for t in trajecten]
    ended = progress[0].is_ended if progress else False
    by_state: dict[TrajectStaat, int] = {}
    for item in progress:
        by_state[item.staat] = by_state.get(item.staat, 0) + 1
    counted = len(progress) - by_state.get(TrajectStaat.NIET_INGEVULD, 0)
    parts = []
    for staat in TrajectStaat:
        n = by_state.get(staat, 0)
        if n and staat != TrajectStaat.NIET_INGEVULD:
            label = _ENDED_TRAJECT_LABELS.get(staat, staat.label) if ended else staat.label
            parts.append(f"{n} {label.lower()}")
    sentences = [
        f"{_count(counted, 'traject', 'trajecten')}: " + ", ".join(parts) + "."
        if parts
        else "Nog geen trajecten."
    ]
    if open_places := by_state.get(TrajectStaat.NIET_INGEVULD, 0):
        sentences.append(
            f"{_count(open_places, 'plaats is', 'plaatsen zijn')} niet publiek ingevuld."
            if ended
            else f"Voor {_count(open_places, 'plaats', 'plaatsen')} is het bestuur nog niet bekend."
        )
    held = sum(p.workshops_gehouden for p in progress)
    total = sum(p.workshops_totaal for p in progress)
    reports = sum(p.verslagen for p in progress)
    sentences.append(
        f"{held} van de {_count(total, 'workshop', 'workshops')} "
        f"{'is' if held == 1 else 'zijn'} als gehouden vastgelegd; "
        + (
            _count(reports, "verslag", "verslagen") + " gepubliceerd."
            if reports
            else "er is geen verslag gepubliceerd."
        )
    )
    if not ended:
        behind = sum(1 for p in progress if p.achter_op_planning)
        sentences.append(
            f"{_count(behind, 'traject loopt', 'trajecten lopen')} achter op planning."
            if behind
            else "Geen enkel traject loopt achter op planning."
        )
    if any(p.is_demo for p in progress):
        sentences.append(
            "Een deel van deze cijfers volgt uit illustratieve demo-inhoud, niet uit echte "
            "workshops."
        )
    return sentences
