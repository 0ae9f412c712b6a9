"""The coach's pages for a trajectory's structured results.

Every view fetches the trajectory through `traject_for_coach` (404 for anyone who may not work
on it) and refuses, with a 400 and an explanation, a result that does not belong to the
trajectory's kind (an initiative on a pilot trajectory, a KPI on a strategy trajectory).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from coach import forms_resultaten as forms
from coach.access import coach_required, traject_for_coach
from coach.forms import PublishForm
from coach.views.shared import form_status, require_form_methods, save_or_conflict
from trajecten import services
from trajecten.models import Kpi, KpiDefinitie, Meting, Traject, Update
from trajecten.versioning import StaleEdit


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


def _result_for(request: HttpRequest, slug: str, key: str, pk: int | None):
    """The kind of result, the coach's trajectory and its result `pk` (None: a new one), with
    the refusal when the kind does not belong to this track (then no result is looked up)."""
    onderdeel = ONDERDELEN[key]
    traject = traject_for_coach(request, slug)
    refusal = _wrong_track(request, traject, onderdeel.soort)
    item = None
    if refusal is None and pk is not None:
        item = get_object_or_404(getattr(traject, onderdeel.relation).all(), pk=pk)
    return onderdeel, traject, item, refusal


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


def _render_form(
    request, traject, form, *, titel: str, anchor: str, conflict=None, **extra
) -> HttpResponse:
    return render(
        request,
        "coach/resultaten/form.html",
        {
            "traject": traject,
            "form": form,
            "titel": titel,
            "terug_url": _overview_url(traject, anchor),
            "conflict": conflict,
            **extra,
        },
        status=form_status(request, conflict),
    )


def _save(request, form, *, message: str, anchor: str, traject: Traject):
    """Save through the service: a redirect, or the form again with why it was refused.

    A stale version comes back as the coach's input rebound on the current version (409); a
    uniqueness race becomes a form error (400), not a 500.
    """
    try:
        services.result_save(
            item=form.save(commit=False), base_versie=form.base_versie, by=request.user
        )
    except StaleEdit as stale:
        return form.rebound_on(stale), stale
    except services.DuplicateResult:
        form.add_error(None, DUPLICATE_MESSAGE)
        return form, None
    messages.success(request, message)
    return redirect(_overview_url(traject, anchor)), None


@coach_required
@require_safe
def overview(request, slug):
    return _overview_page(request, traject_for_coach(request, slug))


@coach_required
@require_form_methods
def priorities(request, slug):
    traject = traject_for_coach(request, slug)
    if refusal := _wrong_track(request, traject, Traject.Soort.STRATEGIE):
        return refusal
    form = forms.PrioriteitenForm(
        request.POST or None,
        initial={
            "versie": traject.versie,
            "actiedomeinen": traject.prioritaire_actiedomeinen.all(),
            "beleidsinstrumenten": traject.beleidsinstrumenten.all(),
        },
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        changed = False

        def save():
            nonlocal changed
            changed = services.traject_priorities_set(
                traject=traject,
                actiedomeinen=form.cleaned_data["actiedomeinen"],
                beleidsinstrumenten=form.cleaned_data["beleidsinstrumenten"],
                base_versie=form.base_versie,
                by=request.user,
            )

        conflict = save_or_conflict(save)
        if conflict is None:
            if changed:
                messages.success(request, "De prioriteiten zijn bewaard.")
            else:
                messages.info(request, "Er was niets gewijzigd.")
            return redirect(_overview_url(traject, "prioriteiten"))
        form = form.rebound_on(conflict)
    return _render_form(
        request,
        traject,
        form,
        titel="Prioritaire actiedomeinen en beleidsinstrumenten",
        anchor="prioriteiten",
        conflict=conflict,
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
@require_form_methods
def result_form(request, slug, onderdeel, pk=None):
    """The form of a new (no `pk`) or existing result; a valid POST saves it."""
    onderdeel, traject, item, refusal = _result_for(request, slug, onderdeel, pk)
    if refusal:
        return refusal
    extra: dict = {}
    initial: dict | None = None
    if item is None:
        extra, initial = _kpi_catalogue_extra(request, onderdeel)
        titel, message = f"Nieuw: {onderdeel.enkelvoud}", onderdeel.added
    else:
        titel, message = f"Bewerken: {onderdeel.enkelvoud} “{item}”", onderdeel.saved
    form = onderdeel.form_class(
        request.POST or None, instance=item, traject=traject, initial=initial
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        done, conflict = _save(
            request, form, message=message, anchor=onderdeel.relation, traject=traject
        )
        if isinstance(done, HttpResponse):
            return done
        form = done
    return _render_form(
        request,
        traject,
        form,
        titel=titel,
        anchor=onderdeel.relation,
        conflict=conflict,
        **extra,
    )


@coach_required
@require_form_methods
def result_delete(request, slug, pk, onderdeel):
    """GET asks for confirmation; POST deletes."""
    onderdeel, traject, item, refusal = _result_for(request, slug, onderdeel, pk)
    if refusal:
        return refusal
    if request.method == "POST":
        if isinstance(item, Kpi):
            services.kpi_delete(kpi=item, by=request.user)
        else:
            services.result_delete(item=item, by=request.user)
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
@require_form_methods
def measurement_form(request, slug, kpi_pk, pk=None):
    """The form of a new (no `pk`) or existing measurement of a KPI."""
    traject, kpi, refusal = _kpi_for(request, slug, kpi_pk)
    if kpi is None:
        return refusal
    meting = None if pk is None else get_object_or_404(Meting, pk=pk, kpi=kpi)
    if meting is None:
        titel, message = f"Nieuwe meting: {kpi.naam}", "De meting is toegevoegd."
    else:
        titel = f"Meting bewerken: {kpi.naam} op {meting.datum:%d-%m-%Y}"
        message = "De meting is bewaard."
    anchor = f"kpi-{kpi.pk}"
    form = forms.MetingForm(request.POST or None, instance=meting, kpi=kpi)
    conflict = None
    if request.method == "POST" and form.is_valid():
        done, conflict = _save(request, form, message=message, anchor=anchor, traject=traject)
        if isinstance(done, HttpResponse):
            return done
        form = done
    return _render_form(
        request, traject, form, titel=titel, anchor=anchor, conflict=conflict, kpi=kpi
    )


@coach_required
@require_form_methods
def measurement_delete(request, slug, kpi_pk, pk):
    traject, kpi, refusal = _kpi_for(request, slug, kpi_pk)
    if kpi is None:
        return refusal
    meting = get_object_or_404(Meting, pk=pk, kpi=kpi)
    anchor = f"kpi-{kpi.pk}"
    if request.method == "POST":
        services.result_delete(item=meting, by=request.user)
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


def _overview_page(request, traject: Traject, *, conflict=None, status: int = 200):
    prefetch_related_objects(
        [traject],
        "workshops",
        "coachingsmomenten",
        Prefetch("updates", queryset=Update.objects.openbaar(), to_attr="publieke_updates"),
    )
    services.prefetch_results(traject, public=False)
    return render(
        request,
        "coach/resultaten/overzicht.html",
        {"traject": traject, "is_publiek": traject.is_openbaar, "conflict": conflict},
        status=status,
    )


def _publication(request, traject: Traject, item, *, anchor: str, label: str):
    """Publish or unpublish one result, exactly the version the coach saw.

    A stale page gets the overview again (409) with what changed since and by whom; nothing
    is saved.
    """
    form = PublishForm(request.POST)
    publish = request.POST.get("actie") == "publiceren"
    if not form.is_valid() or request.POST.get("actie") not in {"publiceren", "depubliceren"}:
        messages.error(request, "Het formulier was onvolledig; probeer opnieuw.")
        return redirect(_overview_url(traject, anchor))
    try:
        services.result_publish(
            item=item, publish=publish, base_versie=form.base_versie, by=request.user
        )
    except StaleEdit as stale:
        return _overview_page(request, traject, conflict=stale, status=409)
    if publish:
        messages.success(request, f"{label} is gepubliceerd.")
    else:
        messages.success(
            request, f"{label} is niet langer publiek; het blijft bewaard als concept."
        )
    return redirect(_overview_url(traject, anchor))


@coach_required
@require_POST
def result_publication(request, slug, pk, onderdeel):
    onderdeel, traject, item, refusal = _result_for(request, slug, onderdeel, pk)
    if refusal:
        return refusal
    label = f"{onderdeel.enkelvoud.capitalize()} “{item}”"
    return _publication(request, traject, item, anchor=onderdeel.relation, label=label)


@coach_required
@require_POST
def measurement_publication(request, slug, kpi_pk, pk):
    traject, kpi, refusal = _kpi_for(request, slug, kpi_pk)
    if refusal or kpi is None:
        return refusal
    meting = get_object_or_404(Meting, pk=pk, kpi=kpi)
    label = f"De meting van {meting.datum:%d-%m-%Y}"
    return _publication(request, traject, meting, anchor=f"kpi-{kpi.pk}", label=label)
