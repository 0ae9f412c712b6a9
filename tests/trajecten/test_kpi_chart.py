"""The KPI chart's geometry, apart from its SVG markup."""

from datetime import date
from decimal import Decimal

import pytest

from tests import factories
from trajecten.kpi_chart import HEIGHT, LEFT, PLOT_H, RIGHT, TOP, WIDTH, kpi_chart

pytestmark = pytest.mark.django_db


def _kpi_with(values, **fields):
    kpi = factories.make_kpi(factories.make_traject(soort="pilootproject"), **fields)
    for month, value in enumerate(values, start=1):
        factories.make_meting(kpi, datum=date(2023, month, 1), waarde=Decimal(value))
    return kpi


def test_measurements_run_left_to_right_inside_the_plot_and_higher_values_sit_higher():
    chart = kpi_chart(_kpi_with(["10", "40", "25"]))
    xs = [p.x for p in chart.points]
    ys = [p.y for p in chart.points]
    assert xs == sorted(xs) and xs[0] > LEFT and xs[-1] < WIDTH - RIGHT
    assert ys[1] < ys[2] < ys[0]  # SVG's y grows downwards
    assert all(TOP <= y <= TOP + PLOT_H for y in ys)
    assert [p.value for p in chart.points] == ["10", "40", "25"]


def test_the_scale_starts_at_zero_and_its_ticks_cover_every_value():
    chart = kpi_chart(_kpi_with(["1410", "1720"], nulwaarde=Decimal("1200")))
    assert chart.ticks[0].label == "0"
    assert chart.ticks[0].y == pytest.approx(TOP + PLOT_H)  # zero on the axis
    assert chart.ticks[-1].y == pytest.approx(TOP)  # the top tick at the top of the plot
    labels = [int(t.label.replace(".", "")) for t in chart.ticks]
    assert labels == sorted(labels) and labels[-1] >= 1720


def test_reference_lines_have_dutch_labels_pushed_apart_when_close():
    chart = kpi_chart(_kpi_with(["0"], nulwaarde=Decimal("100"), streefwaarde=Decimal("101.5")))
    baseline, target = chart.references
    assert (baseline.name, baseline.value) == ("nulwaarde", "100")
    assert (target.name, target.value) == ("streefwaarde", "101,5")
    assert baseline.label_y - target.label_y >= 30
    assert abs(baseline.y - target.y) < 30  # the lines themselves stay where the values are


def test_dates_are_thinned_to_at_most_eight_labels_and_the_last_always_shows():
    chart = kpi_chart(_kpi_with([str(n) for n in range(1, 13)]))
    dated = [p for p in chart.points if p.date]
    assert len(dated) <= 8
    assert chart.points[-1].date == "01/12/23"


def test_a_kpi_without_values_has_no_geometry_and_says_so():
    chart = kpi_chart(_kpi_with([], nulwaarde=None, streefwaarde=None))
    assert not chart.has_values and chart.ticks == [] and chart.points == []
    assert chart.description == "Nog geen metingen."
    assert chart.empty_y == HEIGHT // 2
