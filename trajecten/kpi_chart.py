"""The geometry of a KPI's line chart; templates/trajecten/kpi_chart.svg draws it.

No JavaScript and no inline styles (CSP): the chart is SVG drawn on the server.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

WIDTH, HEIGHT = 520, 280
# The right margin holds the labels of the baseline and target lines.
LEFT, RIGHT, TOP, BOTTOM = 56, 104, 26, 40
LABEL_GAP = 34
# Measurements are inset from both ends, so end labels clear the axis and the reference labels.
INSET = 34
MAX_DATE_LABELS = 8
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
COLOURS = {"lijn": "#1f6f43", "nul": "#6b6b6b", "streef": "#8f1d1d", "raster": "#dddddd"}


def number_nl(value) -> str:
    """A number the Dutch way (1.234,5), without trailing zeros."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent) if value != value.to_integral() else 0
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Tick:
    """A horizontal grid line with its value on the axis."""

    y: float
    label: str

    @property
    def label_y(self) -> float:
        return self.y + 4


@dataclass(frozen=True)
class Reference:
    """The baseline or the target: a dashed line with a two-line label in the right margin."""

    css: str
    colour: str
    dash: str
    name: str
    value: str
    y: float
    label_y: float


@dataclass(frozen=True)
class Point:
    """One measurement: a dot with its value above it and, for some, its date below the axis."""

    x: float
    y: float
    value: str
    date: str  # empty where the dates would crowd

    @property
    def value_y(self) -> float:
        return self.y - 10


@dataclass(frozen=True)
class KpiChart:
    title_id: str
    desc_id: str
    title: str
    description: str
    ticks: list[Tick]
    references: list[Reference]
    points: list[Point]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    label_x: int = WIDTH - RIGHT + 6
    axis_y: int = TOP + PLOT_H
    date_y: int = HEIGHT - BOTTOM + 20
    tick_label_x: int = LEFT - 6
    centre_x: int = WIDTH // 2
    colours: dict[str, str] | None = None

    @property
    def has_values(self) -> bool:
        return bool(self.points or self.references)

    @property
    def empty_y(self) -> int:
        """Where "no measurements" is written: the middle of the plot, or of the whole chart."""
        return TOP + PLOT_H // 2 if self.references else HEIGHT // 2

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


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


def _label_ys(ys: list[float]) -> list[float]:
    """Two close reference lines get their two-line labels pushed apart so they do not overlap."""
    if len(ys) == 2 and abs(ys[0] - ys[1]) < LABEL_GAP:
        middle = sum(ys) / 2
        upper = ys[0] < ys[1]
        return [
            middle + (-1 if upper else 1) * LABEL_GAP / 2,
            middle + (1 if upper else -1) * LABEL_GAP / 2,
        ]
    return ys


def _description(kpi, metingen: list) -> str:
    if not metingen:
        return "Nog geen metingen."
    return (
        f"{len(metingen)} meting{'en' if len(metingen) != 1 else ''} van "
        f"{metingen[0].datum:%d/%m/%Y} tot {metingen[-1].datum:%d/%m/%Y}; "
        f"laatste waarde {number_nl(metingen[-1].waarde)} {kpi.eenheid}."
    )


def kpi_chart(kpi) -> KpiChart:
    """A line chart of a KPI's measurements with its baseline and target as reference lines."""
    metingen = list(kpi.metingen.all())
    kinds = [
        (kpi.nulwaarde, "kpi-nulwaarde", COLOURS["nul"], "nulwaarde", "6 4"),
        (kpi.streefwaarde, "kpi-streefwaarde", COLOURS["streef"], "streefwaarde", "2 3"),
    ]
    kinds = [k for k in kinds if k[0] is not None]
    values = [float(m.waarde) for m in metingen] + [float(k[0]) for k in kinds]
    chart = {
        "title_id": f"kpi-{kpi.pk}-grafiek-titel",
        "desc_id": f"kpi-{kpi.pk}-grafiek-uitleg",
        "title": f"{kpi.naam} ({kpi.eenheid})",
        "description": _description(kpi, metingen),
        "colours": COLOURS,
    }
    if not values:
        return KpiChart(**chart, ticks=[], references=[], points=[])

    lo, hi, step = _scale(values)

    def y(value: float) -> float:
        return TOP + PLOT_H - (value - lo) / (hi - lo) * PLOT_H

    def x(index: int) -> float:
        if len(metingen) <= 1:
            return LEFT + PLOT_W / 2
        return LEFT + INSET + index * (PLOT_W - 2 * INSET) / (len(metingen) - 1)

    ticks = []
    tick = lo
    while tick <= hi + step / 1000:
        ticks.append(Tick(y=y(tick), label=number_nl(Decimal(str(round(tick, 6))))))
        tick += step
    line_ys = [y(float(k[0])) for k in kinds]
    references = [
        Reference(
            css=css, colour=colour, dash=dash, name=name, value=number_nl(v), y=ly, label_y=lab
        )
        for (v, css, colour, name, dash), ly, lab in zip(
            kinds, line_ys, _label_ys(line_ys), strict=True
        )
    ]
    every = max(1, math.ceil(len(metingen) / MAX_DATE_LABELS))
    points = [
        Point(
            x=x(i),
            y=y(float(meting.waarde)),
            value=number_nl(meting.waarde),
            date=f"{meting.datum:%d/%m/%y}" if i % every == 0 or i == len(metingen) - 1 else "",
        )
        for i, meting in enumerate(metingen)
    ]
    return KpiChart(**chart, ticks=ticks, references=references, points=points)
