"""Writes to a trajectory's structured results and its timeline updates.

Every write names the user who makes it (`by`), so the history records who changed what even
outside a request (a shell, a management command). Inside a request the history middleware
would find the same user; setting it explicitly makes that independent of the middleware.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from trajecten.markdown import render_markdown
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    GekozenModule,
    Kpi,
    LopendInitiatief,
    Meting,
    Partner,
    Pilotkandidaat,
    Ronde,
    Traject,
    Update,
)
from trajecten.versioning import locked_at_version, versioned_save

type StructuredResult = (
    LopendInitiatief | Beleidsactie | Pilotkandidaat | GekozenModule | Partner | Kpi | Meting
)


# Which results belong to which kind of trajectory.
RESULTS_BY_SOORT: dict[str, tuple[type, ...]] = {
    Traject.Soort.STRATEGIE: (LopendInitiatief, Beleidsactie, Pilotkandidaat),
    Traject.Soort.PILOOTPROJECT: (GekozenModule, Partner, Kpi, Meting),
}


class WrongTrackError(ValueError):
    """A strategy result on a pilot trajectory, or the other way round."""


class DuplicateResult(Exception):
    """The row would break a uniqueness rule (a second measurement on one date, a module twice).

    Forms check this first; this covers the race where two coaches save at the same moment.
    """


@transaction.atomic
def traject_priorities_set(
    *,
    traject: Traject,
    actiedomeinen: Iterable[Actiedomein],
    beleidsinstrumenten: Iterable[Beleidsinstrument],
    base_versie: int | None,
    by: AbstractBaseUser,
) -> bool:
    """Replace the trajectory's priority action domains and policy instruments.

    Returns whether anything changed. The change is recorded as ONE history entry of the
    trajectory holding both lists, instead of one entry per added or removed term. A form
    opened on an older version of the trajectory is refused with `StaleEdit`.
    """
    locked_at_version(traject, base_versie)
    new_domains = {d.pk for d in actiedomeinen}
    new_instruments = {i.pk for i in beleidsinstrumenten}
    old_domains = set(traject.prioritaire_actiedomeinen.values_list("pk", flat=True))
    old_instruments = set(traject.beleidsinstrumenten.values_list("pk", flat=True))
    if new_domains == old_domains and new_instruments == old_instruments:
        return False

    traject.skip_history_when_saving = True
    try:
        traject.prioritaire_actiedomeinen.set(new_domains)
        traject.beleidsinstrumenten.set(new_instruments)
    finally:
        del traject.skip_history_when_saving
    versioned_save(obj=traject, base_versie=base_versie, by=by, update_fields=["bijgewerkt_op"])
    return True


def result_save[R: StructuredResult](
    *, item: R, base_versie: int | None, by: AbstractBaseUser
) -> R:
    """Create or update one structured result (an initiative, partner, KPI, measurement...).

    `base_versie` is the version the coach's form was opened on (None for a new result); a
    stale one is refused with `StaleEdit` and nothing is saved.
    """
    traject = item.kpi.traject if isinstance(item, Meting) else item.traject
    if not isinstance(item, RESULTS_BY_SOORT[traject.soort]):
        raise WrongTrackError(
            f"{item._meta.verbose_name} hoort niet bij een {traject.get_soort_display().lower()}."
        )
    if (
        isinstance(item, Pilotkandidaat)
        and item.vervolgtraject is not None
        and item.vervolgtraject.soort != Traject.Soort.PILOOTPROJECT
    ):
        raise WrongTrackError("Een vervolgtraject moet een pilootprojecttraject zijn.")
    try:
        with transaction.atomic():
            versioned_save(obj=item, base_versie=base_versie, by=by)
    except IntegrityError as exc:
        # Only the unique constraints can fail here: every other rule is checked by the form.
        raise DuplicateResult(str(exc)) from exc
    return item


def result_delete(*, item: StructuredResult, by: AbstractBaseUser) -> None:
    """Delete one structured result that has no dependent rows (everything except a KPI)."""
    if isinstance(item, Kpi):
        raise TypeError("Use kpi_delete: a KPI takes its measurements with it.")
    item._history_user = by
    item.delete()


@transaction.atomic
def kpi_delete(*, kpi: Kpi, by: AbstractBaseUser) -> int:
    """Delete a KPI and its measurements, each recorded in the history with the user.

    Returns the number of measurements deleted with it.
    """
    metingen = list(kpi.metingen.all())
    for meting in metingen:
        meting._history_user = by
        meting.delete()
    kpi._history_user = by
    kpi.delete()
    return len(metingen)


# Rounds.


def ronde_close(*, rondes: Iterable[Ronde], on: date) -> int:
    """Close rounds explicitly (a manager's decision); a round closed earlier keeps its date."""
    closed = 0
    for ronde in rondes:
        if ronde.afgesloten_op is None:
            ronde.afgesloten_op = on
            ronde.save(update_fields=["afgesloten_op"])
            closed += 1
    return closed


# Reads shared by the public trajectory page and the coach's results pages, so both load the
# results in the same fixed number of queries.


def prefetch_results(traject: Traject, *, public: bool = True) -> None:
    """Load every structured result of the trajectory's kind: one query per kind of result.

    `public` loads only what `openbaar()` lets the public see; the coach's pages pass False
    and get the concepts too.
    """

    def rows(model: type[StructuredResult]) -> QuerySet[Any]:
        return model.objects.openbaar() if public else model.objects.all()

    if traject.soort == Traject.Soort.STRATEGIE:
        lookups: list[str | Prefetch[Any]] = [
            "prioritaire_actiedomeinen",
            "beleidsinstrumenten",
            Prefetch("initiatieven", rows(LopendInitiatief).select_related("actiedomein")),
            Prefetch(
                "beleidsacties",
                rows(Beleidsactie).select_related("actiedomein", "beleidsinstrument"),
            ),
            Prefetch("pilotkandidaten", rows(Pilotkandidaat).select_related("vervolgtraject")),
        ]
    else:
        lookups = [
            Prefetch("modules", rows(GekozenModule).select_related("module")),
            Prefetch("partners", rows(Partner)),
            Prefetch("kpis", rows(Kpi).select_related("definitie")),
            Prefetch("kpis__metingen", rows(Meting)),
        ]
    prefetch_related_objects([traject], *lookups)


def traject_has_results(traject: Traject) -> bool:
    """Whether any structured result was recorded; reads what `prefetch_results` loaded."""
    if traject.soort == Traject.Soort.STRATEGIE:
        relations = [
            traject.prioritaire_actiedomeinen,
            traject.beleidsinstrumenten,
            traject.initiatieven,
            traject.beleidsacties,
            traject.pilotkandidaten,
        ]
    else:
        relations = [traject.modules, traject.partners, traject.kpis]
    return any(relation.all() for relation in relations)


# Updates on a trajectory's timeline.


@transaction.atomic
def update_save(
    *, update: Update, publish: bool, base_versie: int | None, by: AbstractBaseUser
) -> Update:
    """Save an update on the trajectory's timeline; publishing puts it on the public page.

    `base_versie` is the version the coach's form was opened on (None for a new update or a
    manager's save in admin); a stale one is refused with `StaleEdit`.
    """
    update.tekst_html = render_markdown(update.tekst)
    if publish and update.gepubliceerd_op is None:
        update.gepubliceerd_op = timezone.now()
    elif not publish:
        update.gepubliceerd_op = None
    update.gepubliceerd = publish
    if update.auteur_id is None:
        update.auteur = by  # type: ignore[assignment]  # `by` is an auth.User (AUTH_USER_MODEL)
    return versioned_save(obj=update, base_versie=base_versie, by=by)


def update_delete(*, update: Update, by: AbstractBaseUser) -> None:
    update._history_user = by
    update.delete()


# Publication of structured results: the same life cycle as reports (trajecten/publicatie.py).

PUBLISHABLE_RESULTS: dict[str, type] = {
    "initiatief": LopendInitiatief,
    "beleidsactie": Beleidsactie,
    "pilotkandidaat": Pilotkandidaat,
    "module": GekozenModule,
    "partner": Partner,
    "kpi": Kpi,
    "meting": Meting,
}


def results_of_workshop(soort: str, volgnummer: int | None) -> tuple[type[Model], ...]:
    """The kinds of result a moment of the track produces: what its outcome page edits.

    Strategy: workshop 2 maps the running initiatives, workshop 3 explores policy actions and
    pilot candidates (workshop 1's priorities live on the trajectory itself and have no life
    cycle). A pilot's modules, partners and KPIs grow over all its workshops and coaching
    moments, so each of them carries them along (`volgnummer` None: a coaching moment).
    """
    if soort == Traject.Soort.STRATEGIE:
        if volgnummer is None:
            return ()
        return {2: (LopendInitiatief,), 3: (Beleidsactie, Pilotkandidaat)}.get(volgnummer, ())
    return (GekozenModule, Partner, Kpi, Meting)


def _set_published(
    item: StructuredResult, *, publish: bool, by: AbstractBaseUser | None, reason: str = ""
) -> None:
    item.gepubliceerd = publish
    item.ter_nalezing = False
    item.gepubliceerd_op = timezone.now() if publish else None
    item.versie += 1
    item._history_user = by
    if reason:
        item._change_reason = reason[:100]  # the history's change-reason column
    item.save()


@transaction.atomic
def result_publish(
    *, item: StructuredResult, publish: bool, base_versie: int | None, by: AbstractBaseUser
) -> StructuredResult:
    """Publish a result (or take it back to concept), exactly as the coach saw it.

    A stale `base_versie` raises `StaleEdit` with what changed since; nothing is saved.
    """
    current = locked_at_version(item, base_versie)
    if current.gepubliceerd != publish:
        _set_published(current, publish=publish, by=by)
    return current


def result_rows(model: type[Model], traject: Traject) -> QuerySet[Any]:
    """Every result of one kind of the trajectory."""
    rows: QuerySet[Any] = model._default_manager.all()
    if model is Meting:
        return rows.filter(kpi__traject=traject).select_related("kpi")
    return rows.filter(traject=traject)


@transaction.atomic
def results_follow_report(
    *,
    traject: Traject,
    kinds: Iterable[type],
    publish: bool,
    by: AbstractBaseUser | None,
    reason: str = "",
) -> int:
    """Publish (or take back to concept) every result of these kinds of the trajectory that is
    not so yet, with the report that produced them; returns how many changed."""
    changed = 0
    for model in kinds:
        for item in result_rows(model, traject).exclude(gepubliceerd=publish).select_for_update():
            _set_published(item, publish=publish, by=by, reason=reason)
            changed += 1
    return changed


def results_publish_with_report(
    *, traject: Traject, volgnummer: int | None, by: AbstractBaseUser | None, reason: str = ""
) -> int:
    """Publish the draft results a moment produced, with its report; returns how many."""
    return results_follow_report(
        traject=traject,
        kinds=results_of_workshop(traject.soort, volgnummer),
        publish=True,
        by=by,
        reason=reason,
    )


def draft_results_count(traject: Traject) -> int:
    """How many structured results of the trajectory are still a concept (for the dashboard)."""
    return sum(
        result_rows(model, traject).filter(gepubliceerd=False).count()
        for model in RESULTS_BY_SOORT[traject.soort]
    )
