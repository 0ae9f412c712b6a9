"""KPI charts drawn on the server as SVG: no JavaScript, no inline styles (CSP)."""

import math
from decimal import Decimal

from django import template
from django.db.models import prefetch_related_objects
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

WIDTH, HEIGHT = 520, 280
# The right margin holds the labels of the baseline and target lines.
LEFT, RIGHT, TOP, BOTTOM = 56, 104, 26, 40
LABEL_GAP = 34
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
COLOURS = {"lijn": "#1f6f43", "nul": "#6b6b6b", "streef": "#8f1d1d", "raster": "#dddddd"}


@register.filter
def getal(value) -> str:
    """A number the Dutch way (1.234,5), without trailing zeros."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent) if value != value.to_integral() else 0
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def heeft_publieke_inhoud(traject) -> bool:
    return traject.is_openbaar


@register.simple_tag
def kpis_voor(traject) -> list:
    """The trajectory's KPIs with their measurements; reuses a prefetch the view made."""
    prefetch_related_objects([traject], "kpis__metingen")
    return list(traject.kpis.all())


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale(values: list[float]) -> tuple[float, float, float]:
    lo, hi = min([0.0, *values]), max(values)
    if hi == lo:
        hi = lo + 1
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _f(number: float) -> str:
    return f"{number:.1f}"


@register.simple_tag
def kpi_grafiek(kpi) -> str:
    """A line chart of a KPI's measurements with its baseline and target as reference lines."""
    metingen = list(kpi.metingen.all())
    refs = [v for v in (kpi.nulwaarde, kpi.streefwaarde) if v is not None]
    values = [float(m.waarde) for m in metingen] + [float(v) for v in refs]
    title_id, desc_id = f"kpi-{kpi.pk}-grafiek-titel", f"kpi-{kpi.pk}-grafiek-uitleg"
    if metingen:
        desc = (
            f"{len(metingen)} meting{'en' if len(metingen) != 1 else ''} van "
            f"{metingen[0].datum:%d/%m/%Y} tot {metingen[-1].datum:%d/%m/%Y}; "
            f"laatste waarde {getal(metingen[-1].waarde)} {kpi.eenheid}."
        )
    else:
        desc = "Nog geen metingen."
    parts = [
        format_html(
            '<svg class="kpi-grafiek" viewBox="0 0 {} {}" role="img" aria-labelledby="{} {}" '
            'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="15">'
            '<title id="{}">{} ({})</title><desc id="{}">{}</desc>',
            WIDTH,
            HEIGHT,
            title_id,
            desc_id,
            title_id,
            kpi.naam,
            kpi.eenheid,
            desc_id,
            desc,
        )
    ]
    if not values:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="#444">Nog geen metingen</text>',
                WIDTH // 2,
                HEIGHT // 2,
            )
        )
        parts.append(mark_safe("</svg>"))
        return mark_safe("".join(parts))

    lo, hi, step = _scale(values)

    def y(value: float) -> float:
        return TOP + PLOT_H - (value - lo) / (hi - lo) * PLOT_H

    def x(index: int) -> float:
        if len(metingen) <= 1:
            return LEFT + PLOT_W / 2
        # Inset from both ends, so end labels clear the axis and the reference labels.
        return LEFT + 34 + index * (PLOT_W - 68) / (len(metingen) - 1)

    tick = lo
    while tick <= hi + step / 1000:
        parts.append(
            format_html(
                '<line class="kpi-raster" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
                '<text class="kpi-as" x="{}" y="{}" text-anchor="end" fill="#444">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _f(y(tick)),
                _f(y(tick)),
                COLOURS["raster"],
                LEFT - 6,
                _f(y(tick) + 4),
                getal(Decimal(str(round(tick, 6)))),
            )
        )
        tick += step
    references = [
        (kpi.nulwaarde, "kpi-nulwaarde", COLOURS["nul"], "nulwaarde", "6 4"),
        (kpi.streefwaarde, "kpi-streefwaarde", COLOURS["streef"], "streefwaarde", "2 3"),
    ]
    references = [r for r in references if r[0] is not None]
    label_ys = [y(float(r[0])) for r in references]
    if len(label_ys) == 2 and abs(label_ys[0] - label_ys[1]) < LABEL_GAP:
        # Two close lines: push their two-line labels apart so they do not overlap.
        middle = sum(label_ys) / 2
        upper = label_ys[0] < label_ys[1]
        label_ys = [
            middle + (-1 if upper else 1) * LABEL_GAP / 2,
            middle + (1 if upper else -1) * LABEL_GAP / 2,
        ]
    for (value, css, colour, label, dash), label_y in zip(references, label_ys, strict=True):
        parts.append(
            format_html(
                '<line class="{}" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="{}"/>'
                '<text class="{}-label" x="{}" y="{}" fill="{}" font-size="13">'
                '<tspan x="{}" dy="-0.2em">{}</tspan><tspan x="{}" dy="1.1em" font-weight="600">'
                "{}</tspan></text>",
                css,
                LEFT,
                WIDTH - RIGHT,
                _f(y(float(value))),
                _f(y(float(value))),
                colour,
                dash,
                css,
                WIDTH - RIGHT + 6,
                _f(label_y),
                colour,
                WIDTH - RIGHT + 6,
                label,
                WIDTH - RIGHT + 6,
                getal(value),
            )
        )
    if not metingen:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="#444">Nog geen metingen</text>',
                WIDTH // 2,
                TOP + PLOT_H // 2,
            )
        )
    else:
        points = " ".join(f"{_f(x(i))},{_f(y(float(m.waarde)))}" for i, m in enumerate(metingen))
        parts.append(
            format_html(
                '<polyline class="kpi-lijn" points="{}" fill="none" stroke="{}" stroke-width="3"/>',
                points,
                COLOURS["lijn"],
            )
        )
        every = max(1, math.ceil(len(metingen) / 8))
        for i, meting in enumerate(metingen):
            parts.append(
                format_html(
                    '<circle class="kpi-punt" cx="{}" cy="{}" r="5" fill="{}"/>'
                    '<text class="kpi-waarde" x="{}" y="{}" text-anchor="middle" fill="#1d1d1d" '
                    'font-weight="600">{}</text>',
                    _f(x(i)),
                    _f(y(float(meting.waarde))),
                    COLOURS["lijn"],
                    _f(x(i)),
                    _f(y(float(meting.waarde)) - 10),
                    getal(meting.waarde),
                )
            )
            if i % every == 0 or i == len(metingen) - 1:
                parts.append(
                    format_html(
                        '<text class="kpi-datum" x="{}" y="{}" text-anchor="middle" fill="#444">'
                        "{}</text>",
                        _f(x(i)),
                        HEIGHT - BOTTOM + 20,
                        f"{meting.datum:%d/%m/%y}",
                    )
                )
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#444"/>',
            LEFT,
            WIDTH - RIGHT,
            TOP + PLOT_H,
            TOP + PLOT_H,
        )
    )
    parts.append(mark_safe("</svg>"))
    # Safe: every piece above went through format_html, which escapes each value.
    return mark_safe("".join(parts))
