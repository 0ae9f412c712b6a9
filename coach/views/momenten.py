"""Workshops and coaching moments: plan, log the outcome, publish, delete, read the history."""

import copy
from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

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
from trajecten.versioning import StaleEdit, changes_between
from workshops import services
from workshops.models import Bijlage, Coachingsmoment, Moment, Workshop
from workshops.uploads import UploadNotStored


@dataclass(frozen=True)
class Kind:
    """What differs between a workshop and a coaching moment in these views."""

    name: str
    model: type[Workshop] | type[Coachingsmoment]
    create_form: type
    edit_form: type
    verslag_form: type
    label: str
    related_name: str


KINDS = {
    "workshop": Kind(
        "workshop",
        Workshop,
        forms.WorkshopForm,
        forms.WorkshopEditForm,
        forms.WorkshopVerslagForm,
        "workshop",
        "workshops",
    ),
    "coachingsmoment": Kind(
        "coachingsmoment",
        Coachingsmoment,
        forms.CoachingsmomentForm,
        forms.CoachingsmomentEditForm,
        forms.CoachingsmomentVerslagForm,
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


# Logging the outcome.


@coach_required
@require_form_methods
def moment_verslag(request, slug, soort, **ids):
    traject, moment, kind = _moment(request, slug, soort, ids)
    saved = _saved(moment)
    form = kind.verslag_form(request.POST or None, request.FILES or None, instance=moment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        attachments = form.new_attachments()
        try:
            conflict = save_or_conflict(
                lambda: services.moment_save(
                    moment=form.instance,
                    base_versie=form.base_versie,
                    fields=form.saved_fields,
                    attachments=attachments,
                    by=request.user,
                )
            )
        except UploadNotStored as not_stored:  # a full disk: nothing saved, the form kept (400)
            form.add_error("bestand", not_stored)
            return _verslag_page(request, traject, kind, saved, form, None)
        if conflict is not None:
            saved = _saved(conflict.current)
            saved.traject = traject
            form = form.rebound_on(conflict)
        else:
            if moment.gepubliceerd:
                messages.success(
                    request, "Het verslag is opgeslagen; de publieke pagina toont het."
                )
            else:
                messages.success(
                    request,
                    "Het verslag is opgeslagen als klad; het wordt pas publiek na publiceren.",
                )
            for attachment in attachments:
                messages.success(
                    request, f"Bijlage '{attachment.checked.bestandsnaam}' toegevoegd."
                )
            return redirect(moment_url("verslag", moment))
    elif request.method == "POST" and "bestand" in form.errors:
        messages.error(
            request,
            "Het bestand werd geweigerd (zie hieronder). Uw tekst is bewaard in het formulier; "
            "kies het bestand opnieuw of laat het veld leeg.",
        )
    return _verslag_page(request, traject, kind, saved, form, conflict)


def _verslag_page(request, traject, kind, saved, form, conflict):
    """The report page: `saved` is the moment as stored, `form` what the coach has in hand."""
    return render(
        request,
        "coach/verslag_form.html",
        {
            "form": form,
            "traject": traject,
            "kind": kind,
            "moment": saved,
            "conflict": conflict,
            "publish_form": forms.PublishForm(initial={"versie": saved.versie}),
            "goedkeuring": _signoff_state(saved),
        },
        status=form_status(request, conflict),
    )


def _signoff_state(moment) -> dict:
    """What the report page says about sign-off: required?, the contact, the latest answer."""
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
@require_POST
def moment_publish(request, slug, soort, **ids):
    return _publication(request, slug, soort, ids, publish=True)


@coach_required
@require_POST
def moment_unpublish(request, slug, soort, **ids):
    return _publication(request, slug, soort, ids, publish=False)


def _publication(request, slug, soort, ids, *, publish: bool):
    """(Un)publish exactly the version the coach read.

    A stale page is refused with a 409: the report page again, as it is stored now, with what
    changed since and by whom, so the coach reads it before deciding again.
    """
    traject, moment, kind = _moment(request, slug, soort, ids)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Het formulier was onvolledig; probeer opnieuw.")
        return redirect(moment_url("verslag", moment))
    service = services.moment_publish if publish else services.moment_unpublish
    try:
        service(moment=moment, by=request.user, base_versie=form.base_versie)
    except StaleEdit as stale:
        current = cast(Moment, stale.current)
        current.traject = traject
        form = kind.verslag_form(instance=current)
        return _verslag_page(request, traject, kind, _saved(current), form, stale)
    except services.ApprovalRequired as error:
        # Blocked until the participant approves: 409, the report page saying what to do.
        messages.error(request, str(error))
        current = type(moment).objects.get(pk=moment.pk)
        current.traject = traject
        response = _verslag_page(
            request, traject, kind, _saved(current), kind.verslag_form(instance=current), None
        )
        response.status_code = 409
        return response
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        if publish:
            messages.success(request, "Het verslag is gepubliceerd en staat op de publieke pagina.")
        else:
            messages.success(
                request, "Het verslag is niet langer publiek; de tekst blijft bewaard als klad."
            )
    return redirect(moment_url("verslag", moment))


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
