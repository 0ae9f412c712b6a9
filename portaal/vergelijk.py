"""The comparison page: every participant side by side, and a summary of the round in words."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from lokaal import fragmenten
from portaal.views import current_ronde
from trajecten.models import (
    Actiedomein,
    Deelname,
    GekozenModule,
    Ondersteuningsmodule,
    Pilotkandidaat,
    Ronde,
    Traject,
)
from trajecten.voortgang import MomentStaat

WORKSHOPS_PER_TRACK = 3


@dataclass(frozen=True)
class Cell:
    """One cell of the status grid: a status the eye can scan and the words a reader needs."""

    code: str  # css class suffix
    symbol: str
    label: str
    detail: str = ""
    is_demo: bool = False

    @property
    def html(self) -> str:
        """The cell's markup, written here: a template include per cell cost more than the
        rest of the page."""
        label = (
            format_html('<span class="visually-hidden">{}</span>', self.label)
            if self.code == "leeg"
            else conditional_escape(self.label)
        )
        demo = mark_safe(' <span class="badge badge-demo">demo</span>') if self.is_demo else ""
        detail = ""
        if self.detail:
            detail = format_html('<br><span class="small">{}</span>', self.detail)
        return format_html(
            '<td class="status-cel status-{}"><span aria-hidden="true">{}</span> {}{}{}</td>',
            self.code,
            self.symbol,
            label,
            demo,
            detail,
        )


# The cell of each moment state (trajecten/voortgang.py): a symbol and a css class.
WORKSHOP_CELLS = {
    MomentStaat.GEEN_DATUM: ("geen-datum", "·"),
    MomentStaat.GEPLAND: ("gepland", "○"),
    MomentStaat.DATUM_VOORBIJ: ("voorbij", "?"),
    MomentStaat.GEHOUDEN: ("gehouden", "✓"),
    MomentStaat.VERSLAG_GEPUBLICEERD: ("gehouden", "✓"),
    MomentStaat.GEANNULEERD: ("geannuleerd", "✕"),
}


def workshop_cell(workshop, progress) -> Cell:
    """A workshop's cell says what its progress says; `progress` is its MomentVoortgang."""
    if workshop is None:
        return Cell("leeg", "–", "Niet gepland")
    datum = f"{timezone.localtime(workshop.gepland_op):%d/%m/%Y}" if workshop.gepland_op else ""
    if progress.achter_op_planning:
        return Cell("achter", "!", "Achter op planning", datum, progress.is_demo)
    code, symbol = WORKSHOP_CELLS[progress.staat]
    return Cell(code, symbol, progress.label, datum, progress.is_demo)


MODULE_CELLS: dict[str, tuple[str, str]] = {
    GekozenModule.Status.GEKOZEN: ("gekozen", "○"),
    GekozenModule.Status.BEZIG: ("bezig", "◐"),
    GekozenModule.Status.AFGEROND: ("afgerond", "✓"),
}


def module_cell(gekozen: GekozenModule | None) -> Cell:
    if gekozen is None:
        return Cell("leeg", "–", "Niet gekozen")
    code, symbol = MODULE_CELLS.get(gekozen.status, ("gekozen", "○"))
    return Cell(code, symbol, gekozen.get_status_display(), is_demo=gekozen.is_demo)


def participant_label(traject: Traject) -> str:
    if traject.is_open:
        return "Open plaats"
    # The lead bestuur first ("partner" sorts before "trekker" in the prefetch's order).
    deelnames = sorted(traject.deelnames.all(), key=lambda d: d.rol != Deelname.Rol.TREKKER)
    return " & ".join(deelname.bestuur.korte_naam for deelname in deelnames)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def round_summary(rows: list[dict], actiedomeinen: list[Actiedomein]) -> list[str]:
    """A few plain Dutch sentences about the round, each computed from the rows shown."""
    strategie = [r for r in rows if r["traject"].soort == Traject.Soort.STRATEGIE]
    pilots = [r for r in rows if r["traject"].soort == Traject.Soort.PILOOTPROJECT]
    besturen = {b.pk for r in rows for b in r["traject"].deelnemers}
    open_places = sum(1 for r in rows if r["traject"].is_open)
    ended = rows[0]["traject"].voortgang.is_ended
    sentences = []

    sentence = (
        f"Deze ronde telt {_count(len(rows), 'traject', 'trajecten')}: "
        f"{_count(len(strategie), 'strategietraject', 'strategietrajecten')} en "
        f"{_count(len(pilots), 'pilootproject', 'pilootprojecten')}, "
        f"met samen {_count(len(besturen), 'deelnemend bestuur', 'deelnemende besturen')}."
    )
    if open_places and ended:
        sentence += (
            f" Voor {_count(open_places, 'plaats', 'plaatsen')} is niet publiek bekend welk "
            "bestuur ze innam."
        )
    elif open_places:
        sentence += (
            f" Voor {_count(open_places, 'plaats', 'plaatsen')} is het bestuur nog niet bekend."
        )
    sentences.append(sentence)

    held = sum(r["traject"].voortgang.workshops_gehouden for r in rows)
    planned = sum(r["traject"].voortgang.workshops_totaal for r in rows)
    cancelled = sum(1 for r in rows for w in r["traject"].workshops.all() if w.is_cancelled)
    if planned:
        workshops = (
            _count(planned, "workshop", "workshops")
            if ended
            else _count(planned, "geplande workshop", "geplande workshops")
        )
        if held:
            sentence = f"Van de {workshops} {'is' if held == 1 else 'zijn'} er {held} gehouden"
        else:
            sentence = (
                f"Van de {workshops} is er geen enkele als gehouden vastgelegd"
                if ended
                else f"Van de {workshops} is er nog geen enkele gehouden"
            )
        if cancelled:
            sentence += f"; {cancelled} werd{'en' if cancelled != 1 else ''} geannuleerd"
        sentences.append(sentence + ".")

    if not ended:
        behind = [r for r in rows if r["achter"]]
        if behind:
            sentences.append(
                f"{_count(len(behind), 'traject loopt', 'trajecten lopen')} achter op planning: "
                "een geplande datum is ruim voorbij, zonder dat het moment als gehouden of "
                "geannuleerd vastgelegd is."
            )
        else:
            sentences.append("Geen enkel traject loopt achter op planning.")

    if strategie:
        with_candidates = sum(1 for r in strategie if r["pilotkandidaten"])
        total = _count(len(strategie), "strategietraject", "strategietrajecten")
        if with_candidates:
            sentences.append(
                f"{with_candidates} van de {total} "
                f"{'heeft' if with_candidates == 1 else 'hebben'} al een of meer "
                "kandidaat-pilootprojecten gevonden."
            )
        else:
            sentences.append(
                f"Geen van de {total} publiceerde een kandidaat-pilootproject."
                if ended
                else f"Nog geen van de {total} heeft een kandidaat-pilootproject gepubliceerd."
            )

    chosen = Counter(d.pk for r in rows for d in r["domeinen"])
    if chosen:
        top = max(chosen.values())
        names = [d.naam.lower() for d in actiedomeinen if chosen.get(d.pk) == top]
        with_domains = sum(1 for r in rows if r["domeinen"])
        sentences.append(
            f"{_count(with_domains, 'traject koos', 'trajecten kozen')} prioritaire actiedomeinen; "
            f"het vaakst gekozen {'is' if len(names) == 1 else 'zijn'} {_join(names)} "
            f"({_count(top, 'traject', 'trajecten')})."
        )
    else:
        sentences.append("Nog geen enkel traject heeft prioritaire actiedomeinen vastgelegd.")

    if pilots:
        modules = sum(len(r["modules"]) for r in pilots)
        if modules:
            done = sum(
                1 for r in pilots for m in r["modules"] if m.status == GekozenModule.Status.AFGEROND
            )
            sentences.append(
                "De pilootprojecten kozen samen "
                f"{_count(modules, 'ondersteuningsmodule', 'ondersteuningsmodules')} "
                + (
                    f"uit de menukaart, waarvan er {done} afgerond {'is' if done == 1 else 'zijn'}."
                    if done
                    else "uit de menukaart; nog geen enkele is afgerond."
                )
            )
        else:
            sentences.append(
                "Nog geen enkel pilootproject heeft zijn keuze uit de menukaart gepubliceerd."
            )
    return sentences


def build_rows(trajecten, modules_menu) -> tuple[list[dict], range]:
    """One row per trajectory; every row has a cell for the same workshop numbers."""
    trajecten = list(trajecten)
    highest = max(
        [WORKSHOPS_PER_TRACK, *(w.volgnummer for t in trajecten for w in t.workshops.all())]
    )
    numbers = range(1, highest + 1)
    rows = []
    for traject in trajecten:
        progress = traject.voortgang
        public = traject.is_openbaar
        by_number = {m.volgnummer: (m, v) for m, v in progress.momenten if m.kind == "workshop"}
        chosen = {m.module_id: m for m in traject.modules.all()} if public else {}
        rows.append(
            {
                "traject": traject,
                "label": participant_label(traject),
                "workshops": [workshop_cell(*by_number.get(n, (None, None))) for n in numbers],
                "modules": list(chosen.values()),
                "module_cells": [module_cell(chosen.get(m.pk)) for m in modules_menu],
                "domeinen": list(traject.prioritaire_actiedomeinen.all()) if public else [],
                "pilotkandidaten": list(traject.pilotkandidaten.all()) if public else [],
                "achter": progress.achter_op_planning,
                "voortgang": progress,
                "is_demo": progress.is_demo,
            }
        )
    return rows, numbers


def comparison_context(ronde) -> dict:
    """Everything the comparison shows of `ronde`, read and worked out from the database."""
    trajecten = (
        Traject.objects.filter(ronde=ronde)
        .with_progress()
        .prefetch_related(
            "prioritaire_actiedomeinen",
            Prefetch("pilotkandidaten", queryset=Pilotkandidaat.objects.openbaar()),
            Prefetch("modules", queryset=GekozenModule.objects.openbaar().select_related("module")),
        )
        .order_by("soort", "titel")
    )
    modules_menu = list(Ondersteuningsmodule.objects.all())
    actiedomeinen = list(Actiedomein.objects.all())
    trajecten = list(trajecten)
    # Each track gets its own table, so each has only as many workshop columns as it needs.
    strategie, strategie_numbers = build_rows(
        [t for t in trajecten if t.soort == Traject.Soort.STRATEGIE], modules_menu
    )
    pilots, pilot_numbers = build_rows(
        [t for t in trajecten if t.soort == Traject.Soort.PILOOTPROJECT], modules_menu
    )
    rows = strategie + pilots
    chosen = [d for d in actiedomeinen if any(d in r["domeinen"] for r in rows)]
    return {
        "ronde": ronde,
        "marge_dagen": settings.BEHIND_PLAN_GRACE_DAYS,
        "samenvatting": round_summary(rows, actiedomeinen) if rows else [],
        "strategie": strategie,
        "pilots": pilots,
        "strategie_numbers": strategie_numbers,
        "pilot_numbers": pilot_numbers,
        "modules_menu": modules_menu,
        "actiedomeinen": chosen,
        "niet_gekozen": [d for d in actiedomeinen if d not in chosen],
        "domein_matrix": [
            {"row": row, "cells": [d in row["domeinen"] for d in chosen]} for row in rows
        ],
        "domein_totalen": [sum(d in r["domeinen"] for r in rows) for d in chosen],
        # When the first date in it passes, the comparison reads differently.
        "geldig_tot": fragmenten.moments_until(m for t in trajecten for m in t.momenten),
    }


def comparison_html(ronde) -> str:
    """The comparison's content, kept under the round's generation until a date in it passes
    (lokaal/fragmenten.py). No request, visitor or nonce goes into it."""

    def build():
        context = comparison_context(ronde)
        return render_to_string("portaal/_vergelijk_inhoud.html", context), context["geldig_tot"]

    html = fragmenten.kept(f"vergelijk:{ronde.pk}", [fragmenten.ronde_scope(ronde.pk)], build)
    # Rendered by our own template, autoescaped.
    return mark_safe(html)


@require_safe
def vergelijk(request):
    rondes = list(Ronde.objects.all())
    slug = request.GET.get("ronde")
    if slug is None:
        ronde = current_ronde(rondes)
    else:
        ronde = next((r for r in rondes if r.slug == slug), None)
        if ronde is None:
            return render(
                request,
                "portaal/vergelijk.html",
                {"rondes": rondes, "onbekende_ronde": slug[:60]},
                status=400,
            )
    return render(
        request,
        "portaal/vergelijk.html",
        {
            "ronde": ronde,
            "rondes": rondes,
            "inhoud": comparison_html(ronde) if ronde else "",
        },
    )
