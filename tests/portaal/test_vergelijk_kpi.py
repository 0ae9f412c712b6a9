"""KPI charts on pilot trajectory pages: server-drawn SVG with the numbers in a table."""

import re
from datetime import date
from decimal import Decimal

from django.template import Context, Template

from programma.bulk import add_activity
from tests import factories
from trajecten.models import Kpi, Meting, Traject

SLUG = "pilootproject-deelfabriek-kortrijk"
# The first request after a change: the row and the 14 that render the page's body; the next
# ones none (row and body are kept, lokaal/fragmenten.py).
DETAIL_QUERIES = 15
DETAIL_QUERIES_WARM = 0


def _kpi(traject, **fields) -> Kpi:
    defaults = {
        "naam": "Bezoekers",
        "eenheid": "aantal per jaar",
        "nulwaarde": Decimal("1200"),
        "streefwaarde": Decimal("2500.5"),
    }
    return factories.make_kpi(traject, **{**defaults, **fields})


def _render(kpi) -> str:
    template = Template('{% include "includes/_kpi_grafiek.html" with kpi=kpi only %}')
    return template.render(
        Context({"kpi": Kpi.objects.prefetch_related("metingen").get(pk=kpi.pk)})
    )


def _label(svg: str, css: str) -> str:
    text = re.search(rf'<text class="{css}-label"[^>]*>(.*?)</text>', svg).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_chart_draws_every_measurement_and_a_table(programme):
    traject = Traject.objects.get(slug=SLUG)
    kpi = _kpi(traject)
    for month, value in [(1, "1350"), (4, "1725.25"), (9, "12480")]:
        factories.make_meting(kpi, datum=date(2023, month, 1), waarde=Decimal(value))
    html = _render(kpi)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    for shown in ["1.350", "1.725,25", "12.480"]:
        assert f">{shown}</text>" in svg
        assert f'<td class="text-end">{shown}</td>' in html
    assert svg.count("<circle") == 3
    assert 'class="kpi-nulwaarde"' in svg and _label(svg, "kpi-nulwaarde") == "nulwaarde 1.200"
    assert 'class="kpi-streefwaarde"' in svg
    assert _label(svg, "kpi-streefwaarde") == "streefwaarde 2.500,5"
    assert "<table" in html and "<caption>Metingen van Bezoekers" in html
    assert 'role="img"' in svg and "<title" in svg


def test_chart_has_no_inline_style(programme):
    kpi = _kpi(Traject.objects.get(slug=SLUG))
    factories.make_meting(kpi, datum=date(2023, 1, 1), waarde=Decimal("5"))
    assert "style=" not in _render(kpi)


def test_higher_values_are_drawn_higher(programme):
    kpi = _kpi(Traject.objects.get(slug=SLUG), nulwaarde=None, streefwaarde=None)
    factories.make_meting(kpi, datum=date(2023, 1, 1), waarde=Decimal("10"))
    factories.make_meting(kpi, datum=date(2023, 2, 1), waarde=Decimal("40"))
    svg = _render(kpi)
    ys = [float(y) for y in re.findall(r'<circle class="kpi-punt" cx="[^"]+" cy="([^"]+)"', svg)]
    assert ys[1] < ys[0]  # SVG's y axis points down


def test_close_reference_lines_get_labels_apart(programme):
    kpi = _kpi(
        Traject.objects.get(slug=SLUG), nulwaarde=Decimal("100"), streefwaarde=Decimal("101")
    )
    factories.make_meting(kpi, datum=date(2023, 1, 1), waarde=Decimal("0"))
    svg = _render(kpi)
    ys = [
        float(re.search(rf'<text class="{css}-label" x="[^"]+" y="([^"]+)"', svg).group(1))
        for css in ("kpi-nulwaarde", "kpi-streefwaarde")
    ]
    assert ys[0] - ys[1] >= 30  # the target's label sits above the baseline's


def test_names_are_escaped(programme):
    kpi = _kpi(Traject.objects.get(slug=SLUG), naam='<script>alert("x")</script>')
    html = _render(kpi)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_kpi_without_measurements_says_so(programme):
    html = _render(_kpi(Traject.objects.get(slug=SLUG), nulwaarde=None, streefwaarde=None))
    assert "Nog geen metingen" in html.split("</svg>")[0]
    assert "niet vastgelegd" in html


def test_trajectory_page_shows_charts_only_with_published_content(programme, client):
    traject = Traject.objects.get(slug=SLUG)
    kpi = _kpi(traject)
    factories.make_meting(kpi, datum=date(2023, 3, 1), waarde=Decimal("1410"))
    html = client.get(traject.get_absolute_url()).content.decode()
    assert "kpi-grafiek" not in html
    factories.publish_report(traject.workshops.get(volgnummer=1), "Een publiek verslag.")
    html = client.get(traject.get_absolute_url()).content.decode()
    assert 'id="kop-kpis"' in html
    assert html.count('class="kpi-grafiek"') == 1
    assert ">1.410</text>" in html


def test_trajectory_page_query_count_does_not_grow_with_kpis(
    programme, client, django_assert_num_queries
):
    traject = Traject.objects.get(slug=SLUG)
    add_activity(traject)
    with django_assert_num_queries(DETAIL_QUERIES):
        html = client.get(traject.get_absolute_url()).content.decode()
    assert html.count('class="kpi-grafiek"') == 1
    for n in range(20):
        kpi = _kpi(traject, naam=f"KPI {n}")
        Meting.objects.bulk_create(
            [
                Meting(kpi=kpi, datum=date(2023, m, 1), waarde=Decimal(m * n), gepubliceerd=True)
                for m in range(1, 13)
            ]
        )
    with django_assert_num_queries(DETAIL_QUERIES):
        html = client.get(traject.get_absolute_url()).content.decode()
    assert html.count('class="kpi-grafiek"') == 21
    with django_assert_num_queries(DETAIL_QUERIES_WARM):
        assert client.get(traject.get_absolute_url()).content.decode() == html
