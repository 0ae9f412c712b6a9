"""Updates on a trajectory's timeline: write, edit (publish or keep as draft), delete."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from coach import forms
from coach.access import coach_required, traject_for_coach
from coach.views.shared import (
    form_status,
    require_form_methods,
    save_or_conflict,
    traject_url,
)
from trajecten import services
from trajecten.models import Traject, Update


def _update(request, slug: str, update_pk: int) -> tuple[Traject, Update]:
    traject = traject_for_coach(request, slug)
    update = get_object_or_404(Update, traject=traject, pk=update_pk)
    update.traject = traject
    return traject, update


def _update_form(request, traject: Traject, update: Update):
    form = forms.UpdateForm(request.POST or None, instance=update)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(
            lambda: services.update_save(
                update=form.instance,
                publish=form.cleaned_data["publiceren"],
                base_versie=form.base_versie,
                by=request.user,
            )
        )
        if conflict is None:
            if form.instance.gepubliceerd:
                messages.success(request, "De update staat op de publieke tijdlijn.")
            else:
                messages.success(request, "De update is bewaard als klad (niet publiek).")
            return redirect(traject_url(traject))
        form = form.rebound_on(conflict)
    return render(
        request,
        "coach/update_form.html",
        {"form": form, "traject": traject, "update": update, "conflict": conflict},
        status=form_status(request, conflict),
    )


@coach_required
@require_form_methods
def update_create(request, slug):
    traject = traject_for_coach(request, slug)
    return _update_form(request, traject, Update(traject=traject))


@coach_required
@require_form_methods
def update_edit(request, slug, update_pk):
    traject, update = _update(request, slug, update_pk)
    return _update_form(request, traject, update)


@coach_required
@require_form_methods
def update_delete(request, slug, update_pk):
    traject, update = _update(request, slug, update_pk)
    if request.method == "POST":
        services.update_delete(update=update, by=request.user)
        messages.success(request, f"Update '{update.titel}' is verwijderd.")
        return redirect(traject_url(traject))
    return render(
        request,
        "coach/confirm_delete.html",
        {
            "traject": traject,
            "object": update,
            "cancel_url": traject_url(traject),
            "extra": "Ze verdwijnt ook van de publieke tijdlijn." if update.gepubliceerd else "",
        },
    )
