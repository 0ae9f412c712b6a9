"""The coach workspace: plan, log and publish. Every object is fetched through `coach.access`."""

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.forms import BaseForm
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from coach import forms
from coach.access import coach_required, traject_for_coach, trajecten_for
from trajecten import services as trajecten_services
from trajecten.models import Traject, Update
from workshops import services
from workshops.models import Bijlage, Coachingsmoment, Workshop
from workshops.views import serve_bijlage

UPCOMING_LIMIT = 12


@dataclass(frozen=True)
class Kind:
    """What differs between a workshop and a coaching moment in these views."""

    name: str
    model: type
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


def _moment_url(name: str, moment) -> str:
    return reverse(
        f"coach:{moment.kind}_{name}",
        kwargs={"slug": moment.traject.slug, f"{moment.kind}_pk": moment.pk},
    )


def _data(request):
    """The submitted data of a POST (even an empty one), or None to show an unbound form."""
    return request.POST if request.method == "POST" else None


def _posted(request) -> tuple:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _traject_url(traject: Traject) -> str:
    return reverse("coach:traject", args=[traject.slug])


def _conflict_form(form: BaseForm, stale: services.StaleEdit) -> BaseForm:
    """The coach's own input again, now carrying the current version for a deliberate resave."""
    data = form.data.copy()
    data["versie"] = str(stale.current.versie)
    return type(form)(data, instance=stale.current, **_form_kwargs(form))


def _form_kwargs(form: BaseForm) -> dict:
    return {"traject": form.traject} if hasattr(form, "traject") else {}


# Dashboard and trajectory overview.


@coach_required
@require_safe
def dashboard(request):
    trajecten = list(
        trajecten_for(request.user, Traject.objects.with_progress()).prefetch_related(
            Prefetch(
                "updates",
                queryset=Update.objects.filter(gepubliceerd=False),
                to_attr="klad_updates",
            )
        )
    )
    now = timezone.now()
    moments = [m for traject in trajecten for m in traject.momenten]
    upcoming = sorted(
        (m for m in moments if m.is_open and m.gepland_op and m.gepland_op >= now),
        key=lambda m: m.gepland_op,
    )
    overdue = sorted((m for m in moments if m.is_report_due(now)), key=lambda m: m.deadline())
    drafts = [m for m in moments if m.verslag.strip() and not m.gepubliceerd]
    draft_updates = [u for traject in trajecten for u in traject.klad_updates]
    return render(
        request,
        "coach/dashboard.html",
        {
            "trajecten": trajecten,
            "upcoming": upcoming[:UPCOMING_LIMIT],
            "upcoming_more": max(0, len(upcoming) - UPCOMING_LIMIT),
            "overdue": overdue,
            "drafts": drafts,
            "draft_updates": draft_updates,
            "draft_count": len(drafts) + len(draft_updates),
        },
    )


@coach_required
@require_safe
def traject_detail(request, slug):
    traject = traject_for_coach(
        request,
        slug,
        Traject.objects.with_progress().prefetch_related(
            "coaches", "workshops__bijlagen", "coachingsmomenten__bijlagen", "updates"
        ),
    )
    return render(request, "coach/traject_detail.html", {"traject": traject})


# Planning a workshop or coaching moment.


@coach_required
def moment_create(request, slug, soort):
    kind = KINDS[soort]
    traject = traject_for_coach(request, slug)
    instance = kind.model(traject=traject)
    if soort == "workshop" and request.method != "POST":
        instance.volgnummer = (
            max(traject.workshops.values_list("volgnummer", flat=True), default=0) + 1
        )
    form = kind.create_form(_data(request), instance=instance, traject=traject)
    if request.method == "POST" and form.is_valid():
        moment = services.moment_create(moment=form.instance, by=request.user)
        messages.success(request, f"{moment} is ingepland.")
        return redirect(_traject_url(traject))
    return render(
        request,
        "coach/moment_form.html",
        {"form": form, "traject": traject, "kind": kind, "moment": None},
        status=400 if form.is_bound else 200,
    )


@coach_required
def moment_plan(request, slug, soort, **ids):
    traject, moment, kind = _moment(request, slug, soort, ids)
    saved = _saved(moment)
    form = kind.edit_form(_data(request), instance=moment, traject=traject)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.moment_save(
                moment=form.instance,
                base_versie=form.cleaned_data["versie"],
                fields=[*form._meta.fields, "gepland_op"],
                by=request.user,
            )
        except services.StaleEdit as stale:
            conflict = stale
            form = _conflict_form(form, stale)
        else:
            messages.success(request, "De planning is opgeslagen.")
            return redirect(_traject_url(traject))
    return render(
        request,
        "coach/moment_form.html",
        {"form": form, "traject": traject, "kind": kind, "moment": saved, "conflict": conflict},
        status=409 if conflict else (400 if form.is_bound else 200),
    )


# Logging the outcome.


@coach_required
def moment_verslag(request, slug, soort, **ids):
    traject, moment, kind = _moment(request, slug, soort, ids)
    saved = _saved(moment)
    form = kind.verslag_form(*_posted(request), instance=moment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        attachment = None
        if form.checked_upload:
            attachment = services.NewAttachment(
                upload=form.cleaned_data["bestand"],
                checked=form.checked_upload,
                titel=form.cleaned_data["bijlage_titel"],
                is_publiek=form.cleaned_data["bijlage_publiek"],
            )
        try:
            services.moment_save(
                moment=form.instance,
                base_versie=form.cleaned_data["versie"],
                fields=list(form._meta.fields),
                attachment=attachment,
                by=request.user,
            )
        except services.StaleEdit as stale:
            conflict = stale
            form = _conflict_form(form, stale)
            saved = _saved(stale.current)
            saved.traject = traject
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
            if attachment:
                messages.success(
                    request, f"Bijlage '{attachment.checked.bestandsnaam}' toegevoegd."
                )
            return redirect(_moment_url("verslag", moment))
    elif request.method == "POST" and "bestand" in form.errors:
        messages.error(
            request,
            "Het bestand werd geweigerd (zie hieronder). Uw tekst is bewaard in het formulier; "
            "kies het bestand opnieuw of laat het veld leeg.",
        )
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
        },
        status=409 if conflict else (400 if form.is_bound else 200),
    )


@coach_required
@require_POST
def moment_publish(request, slug, soort, **ids):
    _traject, moment, _kind = _moment(request, slug, soort, ids)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Het formulier was onvolledig; probeer opnieuw.")
        return redirect(_moment_url("verslag", moment))
    try:
        services.moment_publish(
            moment=moment, by=request.user, base_versie=form.cleaned_data["versie"]
        )
    except services.StaleEdit as stale:
        messages.error(
            request,
            f"Het verslag werd intussen gewijzigd door {stale.by}. Lees de nieuwe versie na "
            "voor u publiceert.",
        )
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Het verslag is gepubliceerd en staat op de publieke pagina.")
    return redirect(_moment_url("verslag", moment))


@coach_required
@require_POST
def moment_unpublish(request, slug, soort, **ids):
    _traject, moment, _kind = _moment(request, slug, soort, ids)
    services.moment_unpublish(moment=moment, by=request.user)
    messages.success(
        request, "Het verslag is niet langer publiek; de tekst blijft bewaard als klad."
    )
    return redirect(_moment_url("verslag", moment))


@coach_required
def moment_delete(request, slug, soort, **ids):
    traject, moment, _kind = _moment(request, slug, soort, ids)
    if request.method == "POST":
        try:
            services.moment_delete(moment=moment, by=request.user)
        except services.ReportError as error:
            messages.error(request, str(error))
            return redirect(_moment_url("verslag", moment))
        messages.success(
            request, f"{moment} is verwijderd. Een programmabeheerder kan het terugzetten."
        )
        return redirect(_traject_url(traject))
    return render(
        request,
        "coach/confirm_delete.html",
        {
            "traject": traject,
            "object": moment,
            "refused": moment.gepubliceerd,
            "refused_reason": "Een gepubliceerd verslag wordt niet verwijderd. "
            "Zet de publicatie eerst af.",
            "cancel_url": _moment_url("verslag", moment),
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
        rows.append({"record": record, "changes": services.changes_between(previous, record)})
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
            "traject": traject,
            "moment": moment,
            "kind": kind,
            "rows": rows,
            "bijlage_records": bijlage_records,
        },
    )


# Attachments.


def _bijlage(request, slug: str, bijlage_pk: int):
    traject = traject_for_coach(request, slug)
    bijlage = get_object_or_404(
        Bijlage.objects.select_related("workshop", "coachingsmoment"),
        Q(workshop__traject=traject) | Q(coachingsmoment__traject=traject),
        pk=bijlage_pk,
    )
    bijlage.moment.traject = traject
    return traject, bijlage


@coach_required
@require_safe
def bijlage_download(request, slug, bijlage_pk):
    _traject, bijlage = _bijlage(request, slug, bijlage_pk)
    return serve_bijlage(bijlage)


@coach_required
def bijlage_edit(request, slug, bijlage_pk):
    traject, bijlage = _bijlage(request, slug, bijlage_pk)
    form = forms.BijlageForm(_data(request), instance=bijlage)
    if request.method == "POST" and form.is_valid():
        bijlage = form.save(commit=False)
        bijlage._history_user = request.user
        bijlage.save()
        messages.success(request, "De bijlage is bijgewerkt.")
        return redirect(_moment_url("verslag", bijlage.moment))
    return render(
        request,
        "coach/bijlage_form.html",
        {"form": form, "traject": traject, "bijlage": bijlage},
        status=400 if form.is_bound else 200,
    )


@coach_required
def bijlage_delete(request, slug, bijlage_pk):
    traject, bijlage = _bijlage(request, slug, bijlage_pk)
    moment = bijlage.moment
    if request.method == "POST":
        services.bijlage_delete(bijlage=bijlage, by=request.user)
        messages.success(request, f"Bijlage '{bijlage.titel}' is verwijderd.")
        return redirect(_moment_url("verslag", moment))
    return render(
        request,
        "coach/confirm_delete.html",
        {
            "traject": traject,
            "object": bijlage,
            "cancel_url": _moment_url("verslag", moment),
            "extra": "Ze verdwijnt ook van de publieke pagina." if bijlage.is_public else "",
        },
    )


# Updates on the trajectory's timeline.


def _update(request, slug: str, update_pk: int):
    traject = traject_for_coach(request, slug)
    update = get_object_or_404(Update, traject=traject, pk=update_pk)
    update.traject = traject
    return traject, update


def _update_form(request, traject: Traject, update: Update):
    form = forms.UpdateForm(_data(request), instance=update)
    if request.method == "POST" and form.is_valid():
        update = trajecten_services.update_save(
            update=form.instance, publish=form.cleaned_data["publiceren"], by=request.user
        )
        if update.gepubliceerd:
            messages.success(request, "De update staat op de publieke tijdlijn.")
        else:
            messages.success(request, "De update is bewaard als klad (niet publiek).")
        return redirect(_traject_url(traject))
    return render(
        request,
        "coach/update_form.html",
        {"form": form, "traject": traject, "update": update},
        status=400 if form.is_bound else 200,
    )


@coach_required
def update_create(request, slug):
    traject = traject_for_coach(request, slug)
    return _update_form(request, traject, Update(traject=traject))


@coach_required
def update_edit(request, slug, update_pk):
    traject, update = _update(request, slug, update_pk)
    return _update_form(request, traject, update)


@coach_required
def update_delete(request, slug, update_pk):
    traject, update = _update(request, slug, update_pk)
    if request.method == "POST":
        trajecten_services.update_delete(update=update, by=request.user)
        messages.success(request, f"Update '{update.titel}' is verwijderd.")
        return redirect(_traject_url(traject))
    return render(
        request,
        "coach/confirm_delete.html",
        {
            "traject": traject,
            "object": update,
            "cancel_url": _traject_url(traject),
            "extra": "Ze verdwijnt ook van de publieke tijdlijn." if update.gepubliceerd else "",
        },
    )
