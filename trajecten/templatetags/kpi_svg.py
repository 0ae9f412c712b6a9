"""KPI chart tags; the chart's geometry is in trajecten.kpi_chart, its markup in an SVG template."""

from django import template
from django.db.models import prefetch_related_objects

from trajecten.kpi_chart import kpi_chart, number_nl

register = template.Library()


@register.filter
def getal(value) -> str:
    """A number the Dutch way (1.234,5), without trailing zeros."""
    return number_nl(value)


@register.simple_tag
def kpis_voor(traject) -> list:
    """The trajectory's KPIs with their measurements; reuses a prefetch the view made."""
    prefetch_related_objects([traject], "kpis__metingen")
    return list(traject.kpis.all())


@register.inclusion_tag("trajecten/kpi_chart.svg")
def kpi_grafiek(kpi) -> dict:
    """A line chart of a KPI's measurements with its baseline and target as reference lines."""
    return {"chart": kpi_chart(kpi)}
