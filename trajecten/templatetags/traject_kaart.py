"""A trajectory's card, rendered in Python: lists show dozens of them, and as a template with
four includes each card cost more than the rest of the page.

The markup is that of the partials the detail page still includes (`_traject_badges.html`,
`_voortgang.html`, `_volgende_stap.html`, `_laatst_bijgewerkt.html`); every fact comes from
`traject.voortgang` (trajecten/voortgang.py), as there. Change them together.

Each card is kept under its trajectory's generation (lokaal/fragmenten.py; the filter
`met_kaarten`), until its progress or its "… geleden" reads differently: a list loads its page
of rows and renders only the cards of trajectories that changed.
"""

from django import template
from django.db.models import prefetch_related_objects
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from lokaal import fragmenten
from trajecten.voortgang import TrajectStaat

register = template.Library()

_DEMO = mark_safe(' <span class="badge badge-demo">demo</span>')
_OPEN_DEFAULT = "Het bestuur voor deze plaats is nog niet bekend."


def _date(moment, fmt: str) -> str:
    return date_filter(timezone.localtime(moment), fmt)


def badges(traject, v) -> SafeString:
    parts = [
        format_html(
            '<span class="badge badge-{}">{}</span>\n'
            '<span class="badge text-bg-light border badge-staat">{}</span>',
            traject.soort,
            "Strategie" if traject.soort == "strategie" else "Pilootproject",
            v.label,
        )
    ]
    if v.achter_op_planning:
        parts.append(
            format_html(
                '<span class="badge badge-achter" title="Een geplande datum is meer dan {} dagen '
                'voorbij, zonder dat het moment gehouden of geannuleerd is">Achter op planning'
                "</span>",
                v.marge_dagen,
            )
        )
    if v.is_demo:
        parts.append(
            mark_safe(
                '<span class="badge badge-demo" title="Deze stand volgt uit illustratieve '
                'demo-inhoud">demo</span>'
            )
        )
    return mark_safe("\n".join(parts))


def voortgang_blok(traject, v) -> SafeString:
    demo = _DEMO if v.is_demo else ""
    if v.workshops_totaal and not v.is_ended and v.staat != TrajectStaat.NIET_INGEVULD:
        inner = format_html(
            '<label class="small d-block" for="voortgang-{pk}">{zin}{demo}</label>\n'
            '<progress class="voortgang" id="voortgang-{pk}" max="{max}" value="{value}">'
            "{procent}%</progress>",
            pk=traject.pk,
            zin=v.samenvatting,
            demo=demo,
            max=v.workshops_totaal,
            value=v.workshops_gehouden,
            procent=v.procent,
        )
    else:
        inner = format_html(
            '<p class="small mb-1 voortgang-samenvatting">{}{}</p>', v.samenvatting, demo
        )
    return format_html('<div class="voortgang-blok" data-staat="{}">\n{}\n</div>', v.staat, inner)


def volgende_stap(v) -> SafeString:
    stap = v.volgende_stap
    if stap:
        if stap.gepland_op:
            when = format_html(" op {}", _date(stap.gepland_op, "j F Y"))
        else:
            when = mark_safe(' <span class="text-body-secondary">(datum nog niet bekend)</span>')
        return format_html(
            '<p class="small mb-1"><span class="fw-semibold">Volgende stap:</span> {}{}</p>',
            stap.titel,
            when,
        )
    if v.staat == TrajectStaat.AFGEROND:
        return mark_safe('<p class="small mb-1">Traject afgerond.</p>')
    if v.staat == TrajectStaat.GESTOPT:
        return mark_safe('<p class="small mb-1">Traject gestopt.</p>')
    if v.is_ended:
        return mark_safe('<p class="small mb-1">De ronde is voorbij.</p>')
    return mark_safe("")


def laatst_bijgewerkt(v) -> SafeString:
    moment = v.laatst_bijgewerkt
    if not moment:
        return mark_safe("Nog niets gepubliceerd")
    return format_html(
        'Laatst bijgewerkt <time datetime="{}" title="{}">{} geleden</time>',
        _date(moment, "c"),
        _date(moment, "j F Y"),
        timesince(moment),
    )


def cards(pks: list[int], rows: dict | None = None) -> dict[int, SafeString]:
    """The cards of these trajectories by pk, kept per trajectory. Only for those whose card is
    not kept are the rows (from `rows` if given) and their progress loaded."""
    from trajecten.models import Traject

    def build(names: list) -> dict:
        wanted = [int(name.removeprefix("kaart:")) for name in names]
        if rows is not None:
            missing = [rows[pk] for pk in wanted]
        else:
            missing = list(Traject.objects.filter(pk__in=wanted).select_related("ronde"))
        lookups = Traject.objects.with_progress()._prefetch_related_lookups
        prefetch_related_objects(missing, "ronde", *lookups)
        now = timezone.now()
        return {f"kaart:{t.pk}": (str(render_card(t)), card_until(t, now)) for t in missing}

    kept = fragmenten.kept_many(
        {f"kaart:{pk}": [fragmenten.traject_scope(pk)] for pk in pks}, build
    )
    # Rendered here, escaped by format_html. A trajectory deleted meanwhile has no card.
    return {pk: mark_safe(kept[f"kaart:{pk}"]) for pk in pks if f"kaart:{pk}" in kept}


@register.filter
def met_kaarten(trajecten) -> list:
    """The trajectories (rows with their round), each with its card (`kaart`), kept per
    trajectory; the progress of those whose card is not kept is loaded for them alone."""
    rows = {t.pk: t for t in trajecten}
    for pk, kaart in cards(list(rows), rows).items():
        rows[pk].kaart = kaart
    return list(rows.values())


def card_until(traject, now):
    """Until when a card reads the same: the first date passing among its moments, or the
    moment its "… geleden" changes."""
    return fragmenten.earliest(
        fragmenten.moments_until(traject.momenten, now),
        fragmenten.freshness_until(traject.voortgang.laatst_bijgewerkt, now),
    )


@register.simple_tag
def traject_kaart(traject) -> SafeString:
    """One participant's trajectory as a card (what `includes/_traject_card.html` shows): the
    kept one if `met_kaarten` gave it one."""
    return getattr(traject, "kaart", None) or render_card(traject)


def render_card(traject) -> SafeString:
    v = traject.voortgang
    url = traject.get_absolute_url()
    if traject.is_open:
        kop = format_html(
            '<h3 class="h5 card-title mb-0"><a href="{}">Open plaats</a></h3>\n'
            '<p class="mb-0 small">{}</p>',
            url,
            traject.open_plaats or _OPEN_DEFAULT,
        )
    else:
        namen = format_html_join(
            mark_safe(" &amp; "), "{}", ((b.korte_naam,) for b in traject.deelnemers)
        )
        kop = format_html(
            '<h3 class="h5 card-title mb-0"><a href="{}">{}</a></h3>\n'
            '<p class="mb-0 small text-body-secondary">{}</p>',
            url,
            namen,
            traject.titel,
        )
    classes = "card card-traject h-100"
    if traject.soort == "pilootproject":
        classes += " is-pilot"
    if traject.is_open:
        classes += " is-open"
    return format_html(
        '<article class="{}">\n<div class="card-body d-flex flex-column gap-2">\n'
        "<div>{}</div>\n{}\n{}\n{}\n"
        '<p class="small text-body-secondary mt-auto mb-0">{}</p>\n</div>\n</article>',
        classes,
        badges(traject, v),
        kop,
        voortgang_blok(traject, v),
        volgende_stap(v),
        laatst_bijgewerkt(v),
    )
