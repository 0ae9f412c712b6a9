"""Attachments of a workshop or coaching moment: download, edit title and public flag, delete."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from coach import forms
from coach.access import coach_required, traject_for_coach
from coach.views.shared import form_status, moment_url, require_form_methods, save_or_conflict
from trajecten.models import Traject
from workshops import services
from workshops.models import Bijlage
from workshops.views import serve_bijlage


def _bijlage(request, slug: str, bijlage_pk: int) -> tuple[Traject, Bijlage]:
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
@require_form_methods
def bijlage_edit(request, slug, bijlage_pk):
    traject, bijlage = _bijlage(request, slug, bijlage_pk)
    form = forms.BijlageForm(request.POST or None, instance=bijlage)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(
            lambda: services.bijlage_update(
                bijlage=form.instance, base_versie=form.base_versie, by=request.user
            )
        )
        if conflict is None:
            messages.success(request, "De bijlage is bijgewerkt.")
            return redirect(moment_url("uitkomst", bijlage.moment))
        form = form.rebound_on(conflict)
    return render(
        request,
        "coach/bijlage_form.html",
        {"form": form, "traject": traject, "bijlage": bijlage, "conflict": conflict},
        status=form_status(request, conflict),
    )


@coach_required
@require_form_methods
def bijlage_delete(request, slug, bijlage_pk):
    traject, bijlage = _bijlage(request, slug, bijlage_pk)
    moment = bijlage.moment
    if request.method == "POST":
        services.bijlage_delete(bijlage=bijlage, by=request.user)
        messages.success(request, f"Bijlage '{bijlage.titel}' is verwijderd.")
        return redirect(moment_url("uitkomst", moment))
    return render(
        request,
        "coach/confirm_delete.html",
        {
            "traject": traject,
            "object": bijlage,
            "cancel_url": moment_url("uitkomst", moment),
            "extra": "Ze verdwijnt ook van de publieke pagina." if bijlage.is_public else "",
        },
    )
