"""Fragments derived from many rows, kept in the cache under a key made of what they derive from.

A round's summary reads the progress of every trajectory in it; working that out on every
request costs more than the rest of the page. Its key is a digest of everything the progress
reads (trajecten/voortgang.py): per table the number of rows, the sum of their versions and
the latest change, the participants, the round's own dates, and the clock as the progress
sees it: today's date (a round's phase) and how many moments' dates, and dates plus the grace
period, lie in the past (a moment turns from "gepland" to "datum voorbij", and later behind
plan, exactly when one of those counts moves). Any save, publication, deletion or date that
passes gives a new key; nothing else does, so no visitor's request ever invalidates anything.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DateTimeField, IntegerField, Max, Q, QuerySet, Sum, Value
from django.utils import timezone

from trajecten.models import Deelname, Update
from trajecten.voortgang import grace_period
from workshops.models import Coachingsmoment, Workshop

TIMEOUT = 24 * 3600


def _part(queryset: QuerySet, tag: str, *, now, moments: bool = False, versie: str = "versie"):
    none_time = Value(None, output_field=DateTimeField())
    zero = Value(0, output_field=IntegerField())
    return (
        queryset.order_by()
        .annotate(deel=Value(tag))
        .values("deel")
        .annotate(
            n=Count("pk"),
            v=Sum(versie),
            t=Max("bijgewerkt_op") if versie == "versie" else none_time,
            voorbij=Count("pk", filter=Q(gepland_op__lte=now)) if moments else zero,
            achter=Count("pk", filter=Q(gepland_op__lt=now - grace_period())) if moments else zero,
        )
    )


def trajecten_version(trajecten: QuerySet, *, now=None, extra: object = None) -> str:
    """A digest that changes whenever the progress of any of these trajectories may change.

    One query (a UNION of one aggregate per table).
    """
    now = now or timezone.now()
    ids = trajecten.order_by().values("pk")
    parts = (
        _part(trajecten, "traject", now=now)
        .union(
            _part(Workshop.objects.filter(traject__in=ids), "workshop", now=now, moments=True),
            _part(
                Coachingsmoment.objects.filter(traject__in=ids), "coaching", now=now, moments=True
            ),
            _part(Update.objects.filter(traject__in=ids), "update", now=now),
            _part(
                Deelname.objects.filter(traject__in=ids), "deelname", now=now, versie="bestuur_id"
            ),
            all=True,
        )
        .order_by()
    )
    rows = sorted(tuple(row.values()) for row in parts)
    text = repr((rows, timezone.localdate(now), settings.BEHIND_PLAN_GRACE_DAYS, extra))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _key(name: str, version: str) -> str:
    # Tests give each test its own prefix: their rows reuse ids and frozen clocks.
    return f"{getattr(settings, 'FRAGMENT_CACHE_PREFIX', 'frag')}:{name}:{version}"


def get(name: str, version: str):
    """The value kept for `name` at `version`, or None."""
    return cache.get(_key(name, version))


def put(name: str, version: str, value) -> None:
    cache.set(_key(name, version), value, TIMEOUT)
