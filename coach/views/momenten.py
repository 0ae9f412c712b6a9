"""Workshops and coaching moments: plan, delete, read the history.

The outcome (report, attachments, results) and its publication: coach/views/uitkomst.py.
"""

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from coach import forms
from coach.access import coach_required, traject_for_coach
from coach.views.shared import (
    form_status,
    moment_url,
    require_form_methods,
    save_or_conflict,
    traject_url,
)
from trajecten.models import Traject
from trajecten.versioning import changes_between
from workshops import services
from workshops.models import Bijlage, Coachingsmoment, Workshop


@dataclass(frozen=True)
class Kind:
    """What differs between a workshop and a coaching moment in these views."""

    name: str
    model: type[Workshop] | type[Coachingsmoment]
    create_form: type
    edit_form: type
    label: str
    related_name: str


KINDS = {
    "workshop": Kind(
        "workshop",
        Workshop,
        forms.WorkshopForm,
        forms.WorkshopEditForm,
        "workshop",
        "workshops",
    ),
    "coachingsmoment": Kind(
        "coachingsmoment",
        Coachingsmoment,
        forms.CoachingsmomentForm,
        forms.CoachingsmomentEditForm,
        "coachingsmoment",
        "coachingsmomenten",
    ),
}


def _moment(request, slug: str, soort: str, ids: dict):
    """The trajectory and one of its moments, or 404 for anyone who may not work on it."""
    kind = KINDS[soort]
    traject = traject_for_coach(request, slug)
    moment = get_object_or_404(
        kind.model.objects.prefetch_related("bijlagen"), traject=traject, pk=ids[f"{soort}_pk"]
    )
    moment.traject = traject
    return traject, moment, kind


def _saved(moment):
    """A copy of the moment as stored, for the page around a form that changes `moment`."""
    return copy.copy(moment)


# Planning a workshop or coaching moment.


@coach_required
@require_form_methods
def moment_create(request, slug, soort):
    kind = KINDS[soort]
    traject = traject_for_coach(request, slug)
    if soort == "coachingsmoment" and traject.soort != Traject.Soort.PILOOTPROJECT:
        # Coaching moments belong to the pilot track; a strategy track has three workshops.
        return render(
            request, "coach/coachingsmoment_geweigerd.html", {"traject": traject}, status=400
        )
    instance = kind.model(traject=traject)
    if isinstance(instance, Workshop) and request.method != "POST":
        instance.volgnummer = (
            max(traject.workshops.values_list("volgnummer", flat=True), default=0) + 1
        )
    form = kind.create_form(request.POST or None, instance=instance, traject=traject)
    if request.method == "POST" and form.is_valid():
        moment = services.moment_create(moment=form.instance, by=request.user)
        messages.success(request, f"{moment} is ingepland.")
        return redirect(traject_url(traject))
    return render(
        request,
        "coach/moment_form.html",
        {"form": form, "traject": traject, "kind": kind, "moment": None},
        status=form_status(request),
    )


@coach_required
@require_form_methods
def moment_plan(request, slug, soort, **ids):
    traject, moment, kind = _moment(request, slug, soort, ids)
    saved = _saved(moment)
    form = kind.edit_form(request.POST or None, instance=moment, traject=traject)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(
            lambda: services.moment_save(
                moment=form.instance,
                base_versie=form.base_versie,
                fields=form.saved_fields,
                by=request.user,
            )
        )
        if conflict is None:
            messages.success(request, "De planning is opgeslagen.")
            # Back to the moment's outcome page, where the report and results are logged.
            return redirect(moment_url("uitkomst", moment))
        form = form.rebound_on(conflict)
    return render(
        request,
        "coach/moment_form.html",
        {"form": form, "traject": traject, "kind": kind, "moment": saved, "conflict": conflict},
        status=form_status(request, conflict),
    )


# Sign-off, shown on the outcome page (coach/views/uitkomst.py).


def _signoff_state(moment) -> dict:
    """What the outcome page says about sign-off: required?, the contact, the latest answer."""
    from coach import goedkeuring

    verzoek = moment.goedkeuringen.first()
    vereist = moment.traject.ronde.goedkeuring_vereist
    return {
        "vereist": vereist,
        # Only read where the page offers the submission.
        "contact": goedkeuring.contact_for(moment.traject) if vereist or verzoek else None,
        "verzoek": verzoek,
        "verouderd": verzoek is not None and verzoek.is_open and verzoek.versie != moment.versie,
    }


@coach_required
@require_form_methods
def moment_delete(request, slug, soort, **ids):
    traject, moment, _kind = _moment(request, slug, soort, ids)
    if request.method == "POST":
        try:
            services.moment_delete(moment=moment, by=request.user)
        except services.ReportError as error:
            messages.error(request, str(error))
            return redirect(moment_url("uitkomst", moment))
        messages.success(
            request, f"{moment} is verwijderd. Een programmabeheerder kan het terugzetten."
        )
        return redirect(traject_url(traject))
    return render(
        request,
        "coach/confirm_delete.html",
        {
            "traject": traject,
            "object": moment,
            "refused": moment.gepubliceerd,
            "refused_reason": "Een gepubliceerd verslag wordt niet verwijderd. "
            "Zet de publicatie eerst af.",
            "cancel_url": moment_url("uitkomst", moment),
            "extra": f"Ook de {len(moment.bijlagen.all())} bijlage(n) worden verwijderd."
            if moment.bijlagen.all()
            else "",
        },
    )


@coach_required
@require_safe
def moment_history(request, slug, soort, **ids):
    traject, moment, kind = _moment(request, slug, soort, ids)
    records = list(
        moment.history.select_related("history_user").order_by("history_date", "history_id")
    )
    rows = []
    previous = None
    for record in records:
        rows.append({"record": record, "changes": changes_between(previous, record)})
        previous = record
    rows.reverse()
    bijlage_filter = {f"{soort}_id": moment.pk}
    bijlage_records = (
        Bijlage.history.filter(**bijlage_filter)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    return render(
        request,
        "coach/moment_history.html",
        {
            "goedkeuringen": moment.goedkeuringen.select_related("aangevraagd_door"),
            "traject": traject,
            "moment": moment,
            "kind": kind,
            "rows": rows,
            "bijlage_records": bijlage_records,
        },
    )
