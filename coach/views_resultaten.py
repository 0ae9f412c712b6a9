"""The coach's pages for a trajectory's structured results.

Every view fetches the trajectory through `traject_for_coach` (404 for anyone who may not work
on it) and refuses, with a 400 and an explanation, a result that does not belong to the
trajectory's kind (an initiative on a pilot trajectory, a KPI on a strategy trajectory).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Model, Prefetch, prefetch_related_objects
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from coach import forms_resultaten as forms
from coach.access import coach_required, traject_for_coach
from trajecten import services
from trajecten.models import Kpi, KpiDefinitie, Meting, Traject, Update


@dataclass(frozen=True)
class Onderdeel:
    """One kind of structured result the coach can add, edit and delete."""

    key: str  # in URL names: resultaten_<key>_nieuw
    relation: str  # the trajectory's related name, and the anchor on the overview
    form_class: type[ModelForm]
    soort: str
    enkelvoud: str  # "lopend initiatief"
    added: str
    saved: str
    deleted: str


ONDERDELEN: dict[str, Onderdeel] = {
    o.key: o
    for o in [
        Onderdeel(
            "initiatief",
            "initiatieven",
            forms.LopendInitiatiefForm,
            Traject.Soort.STRATEGIE,
            "lopend initiatief",
            "Het initiatief is toegevoegd.",
            "Het initiatief is bewaard.",
            "Het initiatief is verwijderd.",
        ),
        Onderdeel(
            "beleidsactie",
            "beleidsacties",
            forms.BeleidsactieForm,
            Traject.Soort.STRATEGIE,
            "verkende beleidsactie",
            "De beleidsactie is toegevoegd.",
            "De beleidsactie is bewaard.",
            "De beleidsactie is verwijderd.",
        ),
        Onderdeel(
            "pilotkandidaat",
            "pilotkandidaten",
            forms.PilotkandidaatForm,
            Traject.Soort.STRATEGIE,
            "kandidaat-pilootproject",
            "De kandidaat-pilootproject is toegevoegd.",
            "De kandidaat-pilootproject is bewaard.",
            "De kandidaat-pilootproject is verwijderd.",
        ),
        Onderdeel(
            "module",
            "modules",
            forms.GekozenModuleForm,
            Traject.Soort.PILOOTPROJECT,
            "gekozen module",
            "De module is toegevoegd.",
            "De module is bewaard.",
            "De module is verwijderd.",
        ),
        Onderdeel(
            "partner",
            "partners",
            forms.PartnerForm,
            Traject.Soort.PILOOTPROJECT,
            "partner",
            "De partner is toegevoegd.",
            "De partner is bewaard.",
            "De partner is verwijderd.",
        ),
        Onderdeel(
            "kpi",
            "kpis",
            forms.KpiForm,
            Traject.Soort.PILOOTPROJECT,
            "KPI",
            "De KPI is toegevoegd.",
            "De KPI is bewaard.",
            "De KPI is verwijderd.",
        ),
    ]
}

DUPLICATE_MESSAGE = (
    "Iemand anders bewaarde net hetzelfde. Herlaad de pagina en kijk na wat er al staat."
)


def _wrong_track(request: HttpRequest, traject: Traject, soort: str) -> HttpResponse | None:
    """A 400 with an explanation when the result does not belong to this kind of trajectory."""
    if traject.soort == soort:
        return None
    return render(
        request,
        "coach/resultaten/verkeerde_soort.html",
        {"traject": traject, "nodig": Traject.Soort(soort).label},
        status=400,
    )


def _overview_url(traject: Traject, anchor: str = "") -> str:
    url = reverse("coach:resultaten", args=[traject.slug])
    return f"{url}#{anchor}" if anchor else url


def _render_form(request, traject, form, *, titel: str, anchor: str, **extra) -> HttpResponse:
    return render(
        request,
        "coach/resultaten/form.html",
        {
            "traject": traject,
            "form": form,
            "titel": titel,
            "terug_url": _overview_url(traject, anchor),
            **extra,
        },
        # A refused form is re-rendered with its errors as a 400, as in the rest of the workspace.
        status=400 if form.is_bound and form.errors else 200,
    )


def _save(request, form, item: Model, *, message: str, anchor: str, traject: Traject):
    """Save through the service; a uniqueness race becomes a form error, not a 500."""
    try:
        services.save_result(item=item, by=request.user)
    except services.DuplicateResult:
        form.add_error(None, DUPLICATE_MESSAGE)
        return None
    messages.success(request, message)
    return redirect(_overview_url(traject, anchor))


@coach_required
@require_http_methods(["GET"])
def overview(request, slug):
    traject = traject_for_coach(request, slug)
    prefetch_related_objects(
        [traject],
        "workshops",
        "coachingsmomenten",
        Prefetch("updates", queryset=Update.objects.openbaar(), to_attr="publieke_updates"),
    )
    services.prefetch_results(traject)
    return render(
        request,
        "coach/resultaten/overzicht.html",
        {"traject": traject, "is_publiek": traject.is_openbaar},
    )


@coach_required
@require_http_methods(["GET", "POST"])
def priorities(request, slug):
    traject = traject_for_coach(request, slug)
    if refusal := _wrong_track(request, traject, Traject.Soort.STRATEGIE):
        return refusal
    if request.method == "POST":
        form = forms.PrioriteitenForm(request.POST)
        if form.is_valid():
            changed = services.set_traject_priorities(
                traject=traject,
                actiedomeinen=form.cleaned_data["actiedomeinen"],
                beleidsinstrumenten=form.cleaned_data["beleidsinstrumenten"],
                by=request.user,
            )
            if changed:
                messages.success(request, "De prioriteiten zijn bewaard.")
            else:
                messages.info(request, "Er was niets gewijzigd.")
            return redirect(_overview_url(traject, "prioriteiten"))
    else:
        form = forms.PrioriteitenForm(
            initial={
                "actiedomeinen": traject.prioritaire_actiedomeinen.all(),
                "beleidsinstrumenten": traject.beleidsinstrumenten.all(),
            }
        )
    return _render_form(
        request,
        traject,
        form,
        titel="Prioritaire actiedomeinen en beleidsinstrumenten",
        anchor="prioriteiten",
    )


def _kpi_catalogue_extra(request, onderdeel: Onderdeel) -> tuple[dict, dict]:
    """For the KPI form: the catalogue to pick from, and a pick (?definitie=) as prefill."""
    if onderdeel.key != "kpi":
        return {}, {}
    catalogus = list(KpiDefinitie.objects.all())
    gekozen = request.GET.get("definitie", "")
    initial = {}
    for definitie in catalogus:
        if str(definitie.pk) == gekozen:
            initial = {"definitie": definitie, "naam": definitie.naam, "eenheid": definitie.eenheid}
    return {"catalogus": catalogus}, initial


@coach_required
@require_http_methods(["GET", "POST"])
def result_create(request, slug, onderdeel):
    onderdeel = ONDERDELEN[onderdeel]
    traject = traject_for_coach(request, slug)
    if refusal := _wrong_track(request, traject, onderdeel.soort):
        return refusal
    extra, initial = _kpi_catalogue_extra(request, onderdeel)
    return _result_form(
        request,
        traject,
        onderdeel,
        item=None,
        initial=initial,
        titel=f"Nieuw: {onderdeel.enkelvoud}",
        message=onderdeel.added,
        **extra,
    )


@coach_required
@require_http_methods(["GET", "POST"])
def result_update(request, slug, pk, onderdeel):
    onderdeel = ONDERDELEN[onderdeel]
    traject = traject_for_coach(request, slug)
    if refusal := _wrong_track(request, traject, onderdeel.soort):
        return refusal
    item = get_object_or_404(getattr(traject, onderdeel.relation).all(), pk=pk)
    return _result_form(
        request,
        traject,
        onderdeel,
        item=item,
        initial=None,
        titel=f"Bewerken: {onderdeel.enkelvoud} “{item}”",
        message=onderdeel.saved,
    )


def _result_form(request, traject, onderdeel, *, item, initial, titel, message, **extra):
    """Show the form of a new (`item` None) or existing result; a valid POST saves it."""
    if request.method == "POST":
        form = onderdeel.form_class(request.POST, instance=item, traject=traject)
        if form.is_valid():
            done = _save(
                request,
                form,
                form.save(commit=False),
                message=message,
                anchor=onderdeel.relation,
                traject=traject,
            )
            if done:
                return done
    else:
        form = onderdeel.form_class(instance=item, traject=traject, initial=initial)
    return _render_form(request, traject, form, titel=titel, anchor=onderdeel.relation, **extra)


@coach_required
@require_http_methods(["GET", "POST"])
def result_delete(request, slug, pk, onderdeel):
    """GET asks for confirmation; POST deletes."""
    onderdeel = ONDERDELEN[onderdeel]
    traject = traject_for_coach(request, slug)
    if refusal := _wrong_track(request, traject, onderdeel.soort):
        return refusal
    item = get_object_or_404(getattr(traject, onderdeel.relation).all(), pk=pk)
    if request.method == "POST":
        if isinstance(item, Kpi):
            services.delete_kpi(kpi=item, by=request.user)
        else:
            services.delete_result(item=item, by=request.user)
        messages.success(request, onderdeel.deleted)
        return redirect(_overview_url(traject, onderdeel.relation))
    metingen = item.metingen.count() if isinstance(item, Kpi) else 0
    return render(
        request,
        "coach/resultaten/verwijderen.html",
        {
            "traject": traject,
            "item": item,
            "enkelvoud": onderdeel.enkelvoud,
            "aantal_metingen": metingen,
            "terug_url": _overview_url(traject, onderdeel.relation),
        },
    )


def _kpi_for(request, slug, kpi_pk) -> tuple[Traject, Kpi | None, HttpResponse | None]:
    traject = traject_for_coach(request, slug)
    if refusal := _wrong_track(request, traject, Traject.Soort.PILOOTPROJECT):
        return traject, None, refusal
    return traject, get_object_or_404(traject.kpis.all(), pk=kpi_pk), None


@coach_required
@require_http_methods(["GET", "POST"])
def measurement_create(request, slug, kpi_pk):
    traject, kpi, refusal = _kpi_for(request, slug, kpi_pk)
    if refusal:
        return refusal
    anchor = f"kpi-{kpi.pk}"
    if request.method == "POST":
        form = forms.MetingForm(request.POST, kpi=kpi)
        if form.is_valid():
            done = _save(
                request,
                form,
                form.save(commit=False),
                message="De meting is toegevoegd.",
                anchor=anchor,
                traject=traject,
            )
            if done:
                return done
    else:
        form = forms.MetingForm(kpi=kpi)
    return _render_form(
        request, traject, form, titel=f"Nieuwe meting: {kpi.naam}", anchor=anchor, kpi=kpi
    )


@coach_required
@require_http_methods(["GET", "POST"])
def measurement_update(request, slug, kpi_pk, pk):
    traject, kpi, refusal = _kpi_for(request, slug, kpi_pk)
    if refusal:
        return refusal
    meting = get_object_or_404(Meting, pk=pk, kpi=kpi)
    anchor = f"kpi-{kpi.pk}"
    if request.method == "POST":
        form = forms.MetingForm(request.POST, instance=meting, kpi=kpi)
        if form.is_valid():
            done = _save(
                request,
                form,
                form.save(commit=False),
                message="De meting is bewaard.",
                anchor=anchor,
                traject=traject,
            )
            if done:
                return done
    else:
        form = forms.MetingForm(instance=meting, kpi=kpi)
    return _render_form(
        request,
        traject,
        form,
        titel=f"Meting bewerken: {kpi.naam} op {meting.datum:%d-%m-%Y}",
        anchor=anchor,
        kpi=kpi,
    )


@coach_required
@require_http_methods(["GET", "POST"])
def measurement_delete(request, slug, kpi_pk, pk):
    traject, kpi, refusal = _kpi_for(request, slug, kpi_pk)
    if refusal:
        return refusal
    meting = get_object_or_404(Meting, pk=pk, kpi=kpi)
    anchor = f"kpi-{kpi.pk}"
    if request.method == "POST":
        services.delete_result(item=meting, by=request.user)
        messages.success(request, "De meting is verwijderd.")
        return redirect(_overview_url(traject, anchor))
    return render(
        request,
        "coach/resultaten/verwijderen.html",
        {
            "traject": traject,
            "item": meting,
            "enkelvoud": "meting",
            "aantal_metingen": 0,
            "terug_url": _overview_url(traject, anchor),
        },
    )
