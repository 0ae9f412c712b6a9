"""One page per workshop outcome: planning, report, attachments and the structured results this
moment produced, saved together; a preview of the public rendering; publication.

One "Opslaan" validates everything and writes through the apps' services in one transaction.
A stale save of any part (the moment, the priorities, any result row) is refused with a 409
before anything is written: the page again with what changed and by whom, the coach's input
kept, each refused part now carrying the current version.
"""

import copy
from dataclasses import dataclass, field

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from coach import forms
from coach import forms_uitkomst as uitkomst_forms
from coach.access import coach_required, traject_for_coach
from coach.views.momenten import KINDS, _signoff_state
from coach.views.shared import form_status, require_form_methods
from trajecten import services as results
from trajecten.models import Kpi, Meting, Traject
from trajecten.versioning import StaleEdit, locked_at_version, stale_edit
from workshops import services
from workshops.uploads import UploadNotStored


def uitkomst_url(moment, name: str = "uitkomst") -> str:
    return reverse(
        f"coach:{moment.kind}_{name}",
        kwargs={"slug": moment.traject.slug, f"{moment.kind}_pk": moment.pk},
    )


def _moment(request, slug: str, soort: str, ids: dict):
    """The trajectory and one of its moments, or 404 for anyone who may not work on it."""
    kind = KINDS[soort]
    traject = traject_for_coach(request, slug, Traject.objects.select_related("ronde"))
    moment = get_object_or_404(
        kind.model.objects.prefetch_related("bijlagen"), traject=traject, pk=ids[f"{soort}_pk"]
    )
    moment.traject = traject
    return traject, moment, kind


@dataclass(frozen=True)
class Conflict:
    """One part of the page that someone else saved after the coach opened it."""

    label: str
    stale: StaleEdit
    field: str  # the name of the part's version field in the POST data


class Refused(Exception):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__("stale")
        self.conflicts = conflicts


@dataclass
class Page:
    """Every form of the page, bound to one POST or unbound."""

    traject: Traject
    moment: object
    form: forms.VerslagForm
    prioriteiten: uitkomst_forms.PrioriteitenForm | None
    formsets: dict = field(default_factory=dict)

    @classmethod
    def build(cls, traject, moment, data=None, files=None) -> "Page":
        form_class = uitkomst_forms.MOMENT_FORMS[moment.kind]
        form = form_class(data, files, instance=moment, traject=traject)
        keys = uitkomst_forms.sections_for(traject, moment)
        prioriteiten = None
        if "prioriteiten" in keys:
            prioriteiten = uitkomst_forms.PrioriteitenForm(
                data,
                prefix="prioriteiten",
                initial={
                    "versie": traject.versie,
                    "actiedomeinen": list(traject.prioritaire_actiedomeinen.all()),
                    "beleidsinstrumenten": list(traject.beleidsinstrumenten.all()),
                },
            )
        formsets = {
            key: uitkomst_forms.result_formset(key, traject, data)
            for key in keys
            if key != "prioriteiten"
        }
        return cls(traject, moment, form, prioriteiten, formsets)

    def is_valid(self) -> bool:
        parts = [self.form, *([self.prioriteiten] if self.prioriteiten else [])]
        parts += list(self.formsets.values())
        valid = [part.is_valid() for part in parts]  # every part, so all errors show
        return all(valid)

    @property
    def sections(self):
        return [
            {
                "key": key,
                "label": uitkomst_forms.SECTIONS[key].label,
                "enkelvoud": uitkomst_forms.SECTIONS[key].enkelvoud,
                "formset": formset,
            }
            for key, formset in self.formsets.items()
        ]

    def _row_label(self, key: str, instance) -> str:
        return f"{uitkomst_forms.SECTIONS[key].enkelvoud} “{instance}”"

    def versioned_parts(self):
        """(label, stored object, version the coach started from, its version field)."""
        parts = [
            ("Verslag en planning", self.moment, self.form.base_versie, "versie"),
        ]
        if self.prioriteiten is not None and self.prioriteiten.has_changed():
            parts.append(
                (
                    "Prioriteiten",
                    self.traject,
                    self.prioriteiten.base_versie,
                    self.prioriteiten.add_prefix("versie"),
                )
            )
        for key, formset in self.formsets.items():
            for form in [*formset.forms_to_delete(), *formset.changed_forms()]:
                if form.instance.pk is not None:
                    parts.append(
                        (
                            self._row_label(key, form.instance),
                            form.instance,
                            form.base_versie,
                            form.add_prefix("versie"),
                        )
                    )
        return parts

    def stale_parts(self) -> list[Conflict]:
        """Every part saved by someone else since the coach opened the page."""
        conflicts = []
        for label, obj, base, name in self.versioned_parts():
            current = type(obj).objects.filter(pk=obj.pk).first()
            if base is not None and current is not None and current.versie != base:
                conflicts.append(Conflict(label, stale_edit(current, base), name))
        return conflicts

    def save(self, *, by) -> list[services.NewAttachment]:
        """Write every part through its service; the caller holds the transaction."""
        if self.prioriteiten is not None and self.prioriteiten.has_changed():
            data = self.prioriteiten.cleaned_data
            _guarded(
                "Prioriteiten",
                self.prioriteiten.add_prefix("versie"),
                lambda: results.traject_priorities_set(
                    traject=self.traject,
                    actiedomeinen=data["actiedomeinen"],
                    beleidsinstrumenten=data["beleidsinstrumenten"],
                    base_versie=self.prioriteiten.base_versie,
                    by=by,
                ),
            )
        deleted_kpis = set()
        if "kpis" in self.formsets:
            deleted_kpis = {f.instance.pk for f in self.formsets["kpis"].forms_to_delete()}
        # Measurements before KPIs: a KPI deleted now takes its measurements with it.
        for key in sorted(self.formsets, key=lambda k: k != "metingen"):
            formset = self.formsets[key]
            for form in formset.forms_to_delete():
                item = form.instance
                if isinstance(item, Meting) and item.kpi_id in deleted_kpis:
                    continue
                _guarded(
                    self._row_label(key, item),
                    form.add_prefix("versie"),
                    lambda item=item, form=form: locked_at_version(item, form.base_versie),
                )
                if isinstance(item, Kpi):
                    results.kpi_delete(kpi=item, by=by)
                else:
                    results.result_delete(item=item, by=by)
            for form in formset.changed_forms():
                item = form.save(commit=False)
                if isinstance(item, Meting) and item.kpi_id in deleted_kpis:
                    continue
                _guarded(
                    self._row_label(key, item),
                    form.add_prefix("versie"),
                    lambda item=item, form=form: results.result_save(
                        item=item, base_versie=form.base_versie, by=by
                    ),
                )
                measurement = getattr(form, "new_measurement", lambda: None)()
                if measurement is not None:
                    day, value, note = measurement
                    results.result_save(
                        item=Meting(kpi=item, datum=day, waarde=value, toelichting=note),
                        base_versie=None,
                        by=by,
                    )
        # The moment last: its new attachments reach the storage only when all else is written.
        attachments = self.form.new_attachments()
        _guarded(
            "Verslag en planning",
            "versie",
            lambda: services.moment_save(
                moment=self.form.instance,
                base_versie=self.form.base_versie,
                fields=self.form.saved_fields,
                attachments=attachments,
                by=by,
            ),
        )
        return attachments

    def loaded_results(self) -> dict:
        """The stored results each formset shows, by model, for their life-cycle badges."""
        return {
            uitkomst_forms.SECTIONS[key].model: [
                form.instance for form in formset.initial_forms if form.instance.pk is not None
            ]
            for key, formset in self.formsets.items()
        }

    @property
    def results_changed(self) -> bool:
        if self.prioriteiten is not None and self.prioriteiten.has_changed():
            return True
        return any(fs.changed_forms() or fs.forms_to_delete() for fs in self.formsets.values())


def _guarded(label: str, name: str, write):
    try:
        return write()
    except StaleEdit as stale:  # saved by someone else between the check and the write
        raise Refused([Conflict(label, stale, name)]) from stale


def _stored(traject, moment):
    """A copy of the moment as stored, for the page around forms that change `moment`."""
    saved = copy.copy(moment)
    saved.traject = traject
    return saved


@coach_required
@require_form_methods
def moment_uitkomst(request, slug, soort, **ids):
    traject, moment, kind = _moment(request, slug, soort, ids)
    saved = _stored(traject, moment)
    if request.method != "POST":
        return _page(request, Page.build(traject, moment), saved, kind)
    page = Page.build(traject, moment, request.POST, request.FILES)
    if not page.is_valid():
        if request.FILES:
            messages.error(
                request,
                "Niet opgeslagen: kijk de velden met een melding na. Uw tekst en rijen staan "
                "nog in het formulier; kies de bijlagen opnieuw.",
            )
        return _page(request, page, saved, kind)
    conflicts = page.stale_parts()
    if not conflicts:
        try:
            with transaction.atomic():
                attachments = page.save(by=request.user)
        except Refused as refused:
            conflicts = refused.conflicts
        except UploadNotStored as not_stored:  # a full disk: nothing saved, the input kept
            page.form.add_error("bestand", not_stored)
            return _page(request, page, saved, kind)
        except results.DuplicateResult:
            page.form.add_error(
                None,
                "Iemand anders bewaarde net een gelijk resultaat (dezelfde module of een meting "
                "op dezelfde dag). Niets is opgeslagen; kijk de rijen na en sla opnieuw op.",
            )
            return _page(request, page, saved, kind)
        else:
            _say_saved(request, moment, page, attachments)
            if request.POST.get("na") == "voorbeeld":
                return redirect(uitkomst_url(moment, "uitkomst_voorbeeld"))
            return redirect(uitkomst_url(moment))
    # Refused as stale: the coach's input again, each refused part on its current version.
    data = request.POST.copy()
    for conflict in conflicts:
        data[conflict.field] = str(conflict.stale.current.versie)
    traject, moment, kind = _moment(request, slug, soort, ids)
    saved = _stored(traject, moment)
    if request.FILES:
        messages.error(request, "De gekozen bijlagen zijn niet opgeslagen; kies ze opnieuw.")
    return _page(request, Page.build(traject, moment, data), saved, kind, conflicts)


def _say_saved(request, moment, page, attachments) -> None:
    if moment.gepubliceerd:
        messages.success(request, "Het verslag is opgeslagen; de publieke pagina toont het.")
    else:
        messages.success(
            request, "Het verslag is opgeslagen als klad; het wordt pas publiek na publiceren."
        )
    if page.results_changed:
        messages.success(request, "De resultaten zijn bewaard.")
    for attachment in attachments:
        messages.success(request, f"Bijlage '{attachment.checked.bestandsnaam}' toegevoegd.")


def publication_state(moment, rows: dict | None = None) -> dict:
    """What the outcome page and its preview say about publishing: may the coach publish now
    (or must the report first be approved), the sign-off state, and what happens to the
    results of the kinds this moment produces (`workshops.services.result_kinds`).

    `rows` maps each kind to the results already loaded (the page's formsets); without it they
    are read here.
    """
    signoff = _signoff_state(moment)
    approved = signoff["vereist"] and services.is_approved(moment)
    kinds = services.result_kinds(moment)
    listed = []
    for model in kinds:
        if rows is not None and model in rows:
            items = rows[model]
        else:
            items = list(results.result_rows(model, moment.traject))
        if items:
            listed.append({"label": model._meta.verbose_name_plural, "items": items})
    return {
        "goedkeuring": signoff,
        "mag_publiceren": not signoff["vereist"] or approved,
        "goedgekeurd": approved,
        "resultaten": listed,
        "soorten": ", ".join(str(model._meta.verbose_name_plural) for model in kinds),
        "concepten": sum(1 for row in listed for item in row["items"] if not item.gepubliceerd),
        "gedeeld_met": services.results_shared_with(moment) if moment.gepubliceerd else [],
    }


def _page(request, page: Page, saved, kind, conflicts=(), status=None):
    conflict = conflicts[0].stale if conflicts else None
    return render(
        request,
        "coach/uitkomst.html",
        {
            "traject": page.traject,
            "moment": saved,
            "kind": kind,
            "form": page.form,
            "prioriteiten": page.prioriteiten,
            "sections": page.sections,
            "conflicts": conflicts,
            "conflict": conflict,  # the first, as on every other coach form
            "publish_form": forms.PublishForm(initial={"versie": saved.versie}),
            "publicatie": publication_state(saved, page.loaded_results()),
        },
        status=status or form_status(request, conflict),
    )


def stored_page(request, slug, soort, ids, conflicts=(), status=None):
    """The outcome page as stored now, e.g. after a refused (un)publish or submission."""
    traject, moment, kind = _moment(request, slug, soort, ids)
    return _page(
        request, Page.build(traject, moment), _stored(traject, moment), kind, conflicts, status
    )


@coach_required
@require_safe
def moment_uitkomst_voorbeeld(request, slug, soort, **ids):
    """The report and results as the public will read them once published."""
    traject, moment, kind = _moment(request, slug, soort, ids)
    preview = _stored(traject, moment)
    preview.gepubliceerd = True
    preview.gepubliceerd_op = moment.gepubliceerd_op or timezone.now()
    preview.status = preview.Status.GEHOUDEN
    for bijlage in moment.bijlagen.all():
        # Not public yet: the preview shows the files through the coach's own address.
        url = reverse("coach:bijlage", args=[traject.slug, bijlage.pk])
        bijlage.get_absolute_url = lambda url=url: url
    results.prefetch_results(traject)
    return render(
        request,
        "coach/uitkomst_voorbeeld.html",
        {
            "traject": traject,
            "moment": moment,
            "preview": preview,
            "mv": preview.progress_at(),
            "kind": kind,
            "publish_form": forms.PublishForm(initial={"versie": moment.versie}),
            "publicatie": publication_state(moment),
        },
    )


@coach_required
@require_POST
def moment_uitkomst_publicatie(request, slug, soort, **ids):
    """(Un)publish exactly the version the coach read, then back to the outcome page.

    Publishing goes through `workshops.services.moment_publish` (and unpublishing through
    `moment_unpublish`), so any rule added there holds here too.
    """
    _traject, moment, _kind = _moment(request, slug, soort, ids)
    form = forms.PublishForm(request.POST)
    publish = request.POST.get("actie", "publiceren") != "depubliceren"
    if not form.is_valid():
        messages.error(request, "Het formulier was onvolledig; probeer opnieuw.")
        return redirect(uitkomst_url(moment))
    service = services.moment_publish if publish else services.moment_unpublish
    try:
        service(moment=moment, by=request.user, base_versie=form.base_versie)
    except StaleEdit as stale:
        # The page as stored now (409), with what changed, before the coach decides again.
        conflict = Conflict("Verslag en planning", stale, "versie")
        return stored_page(request, slug, soort, ids, [conflict])
    except services.ApprovalRequired as error:
        # Blocked until the participant approved this very text: 409, the page says why.
        messages.error(request, str(error))
        return stored_page(request, slug, soort, ids, status=409)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        if publish:
            messages.success(
                request,
                "Het verslag is gepubliceerd en staat op de publieke pagina, samen met de "
                "resultaten die het meebrengt.",
            )
        else:
            messages.success(
                request, "Het verslag is niet langer publiek; de tekst blijft bewaard als klad."
            )
    return redirect(uitkomst_url(moment))
