"""Fragments derived from many rows, kept in the cache under a key made of what they derive from.

In `workshops`, beside the news (nieuws.py), so that both `portaal` and `volgen` may use it.

A round's summary reads the progress of every trajectory in it, and its news five queries with
history lookups; working that out on every request costs more than the rest of the page. Its
key is a digest of everything they read (trajecten/voortgang.py, workshops/nieuws.py): per
table the number of rows, the sum of their versions and the latest change; the participants;
the round's own dates; and the clock as the progress sees it: today's date (a round's phase)
and how many moments' dates, and dates plus the grace period, lie in the past. A moment turns
from "gepland" to "datum voorbij", and later behind plan, exactly when one of those counts
moves. Any save, publication, deletion or date that passes gives a new key; nothing else does,
so no visitor's request ever invalidates anything, and a change elsewhere keeps this one.
"""

import functools
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from besturen.models import Bestuur
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    CoachProfiel,
    Deelname,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Traject,
    Update,
)
from trajecten.voortgang import grace_period
from workshops.models import Bijlage, Coachingsmoment, Workshop

TIMEOUT = 24 * 3600
logger = logging.getLogger(__name__)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _version_sql(vendor: str, *, one_round: bool) -> str:
    """The digest's one query. Only table names are put in, from the models' own meta."""
    where = "ronde_id = %s" if one_round else "ronde_id > %s"
    in_ronde = f"SELECT id FROM {_table(Traject)} WHERE {where}"  # noqa: S608
    counts = "COUNT(*), SUM(versie), MAX(bijgewerkt_op)"
    dates = (
        "SUM(CASE WHEN gepland_op <= %s THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN gepland_op < %s THEN 1 ELSE 0 END)"
    )
    parts = [
        ("'t'", counts, "0, 0", _table(Traject), where),
        ("%s", counts, dates, _table(Workshop), f"traject_id IN ({in_ronde})"),
        ("%s", counts, dates, _table(Coachingsmoment), f"traject_id IN ({in_ronde})"),
        ("'u'", counts, "0, 0", _table(Update), f"traject_id IN ({in_ronde})"),
        (
            "'d'",
            "COUNT(*), SUM(bestuur_id), NULL",
            "SUM(id), 0",
            _table(Deelname),
            f"traject_id IN ({in_ronde})",
        ),
    ]
    select = "SELECT {}, {}, {} FROM {} WHERE {}"
    return " UNION ALL ".join(select.format(*part) for part in parts)


def ronde_version(ronde, *, now=None) -> str:
    """A digest that changes whenever the progress or the news of a round's trajectories may
    (of every round's, for `ronde` None).

    One query, written out: the ORM took longer to compile its five aggregates than the
    database to answer them.
    """
    now = now or timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    voorbij, achter = adapt(now), adapt(now - grace_period())
    sql = _version_sql(connection.vendor, one_round=ronde is not None)
    pk = ronde.pk if ronde is not None else 0
    params = [pk, "w", voorbij, achter, pk, "c", voorbij, achter, pk, pk, pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(tuple(str(value) for value in row) for row in cursor.fetchall())
    text = repr(
        (
            rows,
            (ronde.pk, ronde.start, ronde.einde, ronde.afgesloten_op) if ronde else None,
            timezone.localdate(now),
            settings.BEHIND_PLAN_GRACE_DAYS,
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@functools.cache
def _comparison_sql(vendor: str) -> str:
    """What the comparison shows beyond the progress: chosen modules, candidates, action-domain
    links, the two reference lists and the besturen's names. Tables without a version get
    their count, highest id and a sum over a cheap column; `bestuur` its latest change."""
    in_ronde = f"SELECT id FROM {_table(Traject)} WHERE ronde_id = %s"  # noqa: S608
    links = Traject.prioritaire_actiedomeinen.through
    published = "SUM(CASE WHEN gepubliceerd THEN 1 ELSE 0 END)"
    parts = [
        (
            "'m'",
            f"COUNT(*), SUM(versie), MAX(id), {published}, SUM(LENGTH(status)), ''",
            _table(GekozenModule),
            f"traject_id IN ({in_ronde})",
        ),
        (
            "'k'",
            f"COUNT(*), SUM(versie), MAX(id), {published}, SUM(LENGTH(naam)), ''",
            _table(Pilotkandidaat),
            f"traject_id IN ({in_ronde})",
        ),
        (
            "'a'",
            "COUNT(*), SUM(actiedomein_id), MAX(id), SUM(traject_id), 0, ''",
            _table(links),
            f"traject_id IN ({in_ronde})",
        ),
        (
            "'o'",
            "COUNT(*), SUM(volgorde), MAX(id), SUM(LENGTH(naam)), 0, ''",
            _table(Ondersteuningsmodule),
            "1 = 1",
        ),
        (
            "'r'",
            "COUNT(*), SUM(volgorde), MAX(id), SUM(LENGTH(naam)), 0, ''",
            _table(Actiedomein),
            "1 = 1",
        ),
        (
            "'b'",
            "COUNT(*), MAX(id), 0, 0, 0, CAST(MAX(bijgewerkt_op) AS VARCHAR(40))",
            _table(Bestuur),
            "1 = 1",
        ),
    ]
    select = "SELECT {}, {} FROM {} WHERE {}"
    return " UNION ALL ".join(select.format(*part) for part in parts)


def vergelijk_version(ronde, *, now=None) -> str:
    """A digest that changes whenever the comparison of `ronde` may: the round's progress and
    news (`ronde_version`) and what the comparison adds to it, in one more query."""
    sql = _comparison_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ronde.pk, ronde.pk, ronde.pk])
        rows = sorted(tuple(str(value) for value in row) for row in cursor.fetchall())
    text = repr((ronde_version(ronde, now=now), rows))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@functools.cache
def _traject_sql(vendor: str) -> str:
    """Everything one trajectory's public page shows, beyond its own row: its moments and
    their attachments, updates, participants and their besturen, results and measurements,
    linked action domains, instruments and coaches, and the reference lists they name. Every
    column is text, so that the parts may differ in what they count. Tables without a
    version or change time get their count, highest id and sums over cheap columns."""

    def text(expression: str) -> str:
        return f"CAST({expression} AS VARCHAR(40))"

    def select(tag: str, columns: list[str], table: str, where: str) -> str:
        columns = [*columns, *["0"] * (6 - len(columns))]
        return (
            f"SELECT '{tag}', {', '.join(text(c) for c in columns)}"  # noqa: S608
            f" FROM {table} WHERE {where}"
        )

    own = "traject_id = %s"
    published = "SUM(CASE WHEN gepubliceerd THEN 1 ELSE 0 END)"
    counts = ["COUNT(*)", "SUM(versie)", "MAX(bijgewerkt_op)"]
    dates = [
        "SUM(CASE WHEN gepland_op <= %s THEN 1 ELSE 0 END)",
        "SUM(CASE WHEN gepland_op < %s THEN 1 ELSE 0 END)",
    ]
    results = ["COUNT(*)", "SUM(versie)", "MAX(id)", published, "MAX(gepubliceerd_op)"]
    workshops = f"SELECT id FROM {_table(Workshop)} WHERE {own}"  # noqa: S608
    moments = f"SELECT id FROM {_table(Coachingsmoment)} WHERE {own}"  # noqa: S608
    besturen = f"SELECT bestuur_id FROM {_table(Deelname)} WHERE {own}"  # noqa: S608
    kpis = f"SELECT id FROM {_table(Kpi)} WHERE {own}"  # noqa: S608
    coaches_table = _table(Traject.coaches.through)
    coaches = f"SELECT user_id FROM {coaches_table} WHERE {own}"  # noqa: S608
    vervolg = f"SELECT vervolgtraject_id FROM {_table(Pilotkandidaat)} WHERE {own}"  # noqa: S608
    references = ["COUNT(*)", "MAX(id)", "SUM(LENGTH(naam))", "SUM(volgorde)"]
    parts = [
        select("w", [*counts, *dates, published], _table(Workshop), own),
        select("c", [*counts, *dates, published], _table(Coachingsmoment), own),
        select(
            "f",
            ["COUNT(*)", "SUM(versie)", "MAX(id)", "SUM(CASE WHEN is_publiek THEN 1 ELSE 0 END)"],
            _table(Bijlage),
            f"workshop_id IN ({workshops}) OR coachingsmoment_id IN ({moments})",
        ),
        select("u", [*counts, published, "MAX(gepubliceerd_op)"], _table(Update), own),
        select(
            "d",
            ["COUNT(*)", "SUM(bestuur_id)", "MAX(id)", "SUM(bestuur_id * LENGTH(rol))"],
            _table(Deelname),
            own,
        ),
        select(
            "b",
            ["COUNT(*)", "MAX(bijgewerkt_op)", "SUM(LENGTH(naam))"],
            _table(Bestuur),
            f"id IN ({besturen})",
        ),
        select("i", results, _table(LopendInitiatief), own),
        select("a", results, _table(Beleidsactie), own),
        select("k", results, _table(Pilotkandidaat), own),
        select("m", results, _table(GekozenModule), own),
        select("p", results, _table(Partner), own),
        select("q", results, _table(Kpi), own),
        select("n", results, _table(Meting), f"kpi_id IN ({kpis})"),
        select(
            "v",
            ["COUNT(*)", "SUM(versie)", "MAX(bijgewerkt_op)"],
            _table(Traject),
            f"id IN ({vervolg})",
        ),
        select(
            "x",
            ["COUNT(*)", "SUM(actiedomein_id)", "MAX(id)"],
            _table(Traject.prioritaire_actiedomeinen.through),
            own,
        ),
        select(
            "y",
            ["COUNT(*)", "SUM(beleidsinstrument_id)", "MAX(id)"],
            _table(Traject.beleidsinstrumenten.through),
            own,
        ),
        select("z", ["COUNT(*)", "SUM(user_id)", "MAX(id)"], coaches_table, own),
        select(
            "g",
            [
                "COUNT(*)",
                "SUM(CASE WHEN naam_tonen THEN id ELSE 0 END)",
                "SUM(LENGTH(publieke_naam))",
            ],
            _table(CoachProfiel),
            f"user_id IN ({coaches})",
        ),
        select(
            "h",
            ["COUNT(*)", "SUM(LENGTH(first_name) + LENGTH(last_name))", "MAX(id)"],
            _table(get_user_model()),
            f"id IN ({coaches})",
        ),
        select("o", references, _table(Ondersteuningsmodule), "1 = 1"),
        select("r", references, _table(Actiedomein), "1 = 1"),
        select("s", references, _table(Beleidsinstrument), "1 = 1"),
        select("e", references, _table(KpiDefinitie), "1 = 1"),
    ]
    return " UNION ALL ".join(parts)


def traject_version(traject, *, now=None) -> str:
    """A digest that changes whenever the body of `traject`'s public page may: its own row
    and its round's (as loaded with it, `select_related("ronde")`), what it is made of
    (`_traject_sql`, one query), and the clock as its progress sees it (`ronde_version`)."""
    now = now or timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    voorbij, achter = adapt(now), adapt(now - grace_period())
    sql = _traject_sql(connection.vendor)
    pk = traject.pk
    # The moments' two parts read the clock before their trajectory; the rest only its id.
    params = [voorbij, achter, pk, voorbij, achter, pk]
    params += [pk] * (sql.count("%s") - len(params))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(tuple(str(value) for value in row) for row in cursor.fetchall())
    ronde = traject.ronde
    text = repr(
        (
            rows,
            (traject.pk, traject.versie, traject.bijgewerkt_op),
            (ronde.pk, ronde.naam, ronde.slug, ronde.start, ronde.einde, ronde.afgesloten_op),
            timezone.localdate(now),
            settings.BEHIND_PLAN_GRACE_DAYS,
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _key(name: str, version: str) -> str:
    # Tests give each test its own prefix: their rows reuse ids and frozen clocks.
    return f"{getattr(settings, 'FRAGMENT_CACHE_PREFIX', 'frag')}:{name}:{version}"


def get(name: str, version: str):
    """The value kept for `name` at `version`, or None (also when the cache cannot answer:
    a cache that fails costs a render, never the page)."""
    try:
        return cache.get(_key(name, version))
    except Exception:
        logger.warning("fragment cache unavailable; rendering %s afresh", name)
        return None


def put(name: str, version: str, value) -> None:
    try:
        cache.set(_key(name, version), value, TIMEOUT)
    except Exception:
        logger.warning("fragment cache unavailable; %s not kept", name)
