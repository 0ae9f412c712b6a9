"""Fragments of the public pages kept in the cache, under keys made of generation tokens.

It knows no model: which change makes which scope old is workshops/signals.py, which knows
every model a public page shows.

**Generations.** Each *scope* has a token in the cache: the whole site (`SITE`: reference lists,
besturen, rounds, coaches' public names), all content (`INHOUD`), one round (`ronde:<pk>`) and
one trajectory (`traject:<pk>`). A committed save or deletion of a domain model replaces the
tokens of the scopes that show it (`scopes_of`), plus `INHOUD`; nothing else does, so no
visitor's request ever invalidates anything, and a change to one trajectory keeps every other
trajectory's card and page. A fragment's key is its name and the tokens of the scopes it
reads, with `SITE` always among them, and today's date (a round's phase); reading a key costs
one round trip to the cache, whatever the data.

**The clock.** A moment turns from "gepland" to "datum voorbij" when its date passes, and to
"achter op planning" when the grace period after it passes; "laatst bijgewerkt … geleden"
moves with time. A fragment is therefore kept only until the first such instant in what it
shows (`until`): the cache lets it expire then.

**Writes that bypass `save()`** (`bulk_create`, `QuerySet.update`, data migrations, restoring
a backup) call `bump_all()`, or are followed by it: the loaders, `restore` and every
`migrate` do. Should the cache lose a bump (down at the moment of the save), the process
replaces the site's token as soon as the cache answers again; and no fragment is kept longer
than `TIMEOUT`.
"""

import logging
import os
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.utils import timezone

TIMEOUT = 6 * 3600
# Part of every key: raise it when what a fragment holds changes shape, so that new code never
# reads what old code kept (`migrate`, run on every deploy, also replaces every token).
FORMAT = 2
SITE = "site"
INHOUD = "inhoud"
logger = logging.getLogger(__name__)
# Set when a bump could not be written; the next answer from the cache replaces SITE.
_lost_bump = False
# The tokens read during the current request (None outside one): a page that keeps several
# fragments reads the site's token once. Never kept across requests, so a change saved through
# another instance shows on the next request.
_request = threading.local()


def _request_began(**kwargs) -> None:
    _request.tokens = {}


def _request_ended(**kwargs) -> None:
    _request.tokens = None


request_started.connect(_request_began, dispatch_uid="fragmenten-tokens")
request_finished.connect(_request_ended, dispatch_uid="fragmenten-tokens")


def ronde_scope(pk) -> str:
    return f"ronde:{pk}"


def traject_scope(pk) -> str:
    return f"traject:{pk}"


def _prefix() -> str:
    # Tests give each test its own prefix: their rows reuse ids and frozen clocks.
    return f"{getattr(settings, 'FRAGMENT_CACHE_PREFIX', 'frag')}:{FORMAT}"


def _generation_key(scope: str) -> str:
    return f"{_prefix()}:gen:{scope}"


def _token() -> str:
    return os.urandom(6).hex()


def version(*scopes: str, now: datetime | None = None) -> str | None:
    """The tokens of `scopes` (and of `SITE`) with today's date, or None when the cache cannot
    answer: then nothing is kept or read, and the page is rendered afresh."""
    tokens = _tokens([SITE, *scopes])
    if tokens is None:
        return None
    today = timezone.localdate(now or timezone.now())
    return ".".join([*tokens.values(), today.isoformat()])


def get(name: str, key: str | None):
    """The value kept for `name` under `key` (from `version`), or None: also when the cache
    cannot answer (a cache that fails costs a render, never the page)."""
    if key is None:
        return None
    try:
        return cache.get(f"{_prefix()}:{name}:{key}")
    except Exception:
        logger.warning("fragment cache unavailable; rendering %s afresh", name)
        return None


def _timeout(until: datetime | None, now: datetime) -> int:
    if until is None:
        return TIMEOUT
    return max(1, min(TIMEOUT, int((until - now).total_seconds()) + 1))


def put(name: str, key: str | None, value, *, until: datetime | None = None) -> None:
    """Keep `value` for `name` under `key`, until `until` at the latest."""
    if key is None:
        return
    try:
        cache.set(f"{_prefix()}:{name}:{key}", value, _timeout(until, timezone.now()))
    except Exception:
        logger.warning("fragment cache unavailable; %s not kept", name)


def kept[T](name: str, scopes: Iterable[str], build: Callable[[], tuple[T, datetime | None]]) -> T:
    """The value of `name` as kept under the tokens of `scopes`; else `build()`, which returns
    the value and the instant until which it holds (None: until a change), kept for next time.
    None is never kept: an unknown address asked for again and again fills no cache."""
    key = version(*scopes)
    value = get(name, key)
    if value is None:
        value, until = build()
        if value is not None:
            put(name, key, value, until=until)
    return value


def kept_many(names_and_scopes: dict, build: Callable[[list], dict]) -> dict:
    """Several fragments at once (the cards of a list): `names_and_scopes` maps each name to
    its scopes; `build(missing_names)` returns {name: (value, until)} for those not kept.
    Three round trips to the cache, however many fragments."""
    keys: dict = {}
    tokens = _tokens([SITE, *(s for scopes in names_and_scopes.values() for s in scopes)])
    if tokens is not None:
        today = timezone.localdate().isoformat()
        for name, scope_list in names_and_scopes.items():
            parts = [tokens[s] for s in dict.fromkeys((SITE, *scope_list))]
            keys[name] = f"{_prefix()}:{name}:{'.'.join([*parts, today])}"
    found: dict = {}
    if keys:
        try:
            by_key = cache.get_many(list(keys.values()))
            found = {name: by_key[key] for name, key in keys.items() if key in by_key}
        except Exception:
            logger.warning("fragment cache unavailable; rendering afresh")
    missing = [name for name in names_and_scopes if name not in found]
    if missing:
        built = build(missing)
        now = timezone.now()
        by_timeout: dict[int, dict] = {}
        for name, (value, until) in built.items():
            found[name] = value
            if name in keys:
                by_timeout.setdefault(_timeout(until, now), {})[keys[name]] = value
        try:
            for timeout, values in by_timeout.items():
                cache.set_many(values, timeout)
        except Exception:
            logger.warning("fragment cache unavailable; fragments not kept")
    return found


def _tokens(scopes: list[str]) -> dict | None:
    """Each scope's token, a new one where the cache has none; None if the cache cannot say."""
    global _lost_bump
    keys = {scope: _generation_key(scope) for scope in dict.fromkeys(scopes)}
    memo = getattr(_request, "tokens", None)
    found = {key: memo[key] for key in keys.values() if key in memo} if memo else {}
    unknown = [key for key in keys.values() if key not in found]
    if unknown or _lost_bump:
        try:
            if _lost_bump:
                cache.set(_generation_key(SITE), _token(), None)
                _lost_bump = False
                found, unknown = {}, list(keys.values())
            read = cache.get_many(unknown)
            missing = [key for key in unknown if key not in read]
            if missing:
                # Another process may be starting the same scope: `add` keeps the first token.
                for key in missing:
                    cache.add(key, _token(), None)
                read.update(cache.get_many(missing))
        except Exception:
            logger.warning("fragment cache unavailable; rendering afresh")
            return None
        found.update(read)
        if memo is not None:
            memo.update(read)
    if len(found) < len(keys):  # the cache skipped a read (its circuit breaker is open)
        return None
    return {scope: found[key] for scope, key in keys.items()}


def bump(*scopes: str) -> None:
    """Replace the tokens of `scopes` and of `INHOUD` once the current transaction commits
    (at once outside one): fragments under the old tokens are no longer read."""
    wanted = {INHOUD, *scopes}
    _on_commit(lambda: _write(wanted))


def _on_commit(callback) -> None:
    # Tests, which run inside a transaction that never commits, run the callback at once.
    transaction.on_commit(callback, robust=True)


def bump_all() -> None:
    """After writes that bypass `save()`: every fragment is rendered afresh."""
    bump(SITE)


def _write(scopes: set[str]) -> None:
    global _lost_bump
    tokens = {_generation_key(scope): _token() for scope in scopes}
    memo = getattr(_request, "tokens", None)
    for key in tokens if memo is not None else ():
        memo.pop(key, None)  # the rest of this request sees its own change
    try:
        done = cache.set_many(tokens, None)
    except Exception:
        done = None
    if done is None or done:  # set_many returns the keys it failed to set
        _lost_bump = True
        logger.warning("fragment cache unavailable; a change will show once it answers")


# --- The clock -------------------------------------------------------------------------------


def moments_until(momenten: Iterable, now: datetime | None = None) -> datetime | None:
    """The first instant after `now` at which one of `momenten` changes how it reads: its date
    passing, or the grace period after it (trajecten/voortgang.py)."""
    now = now or timezone.now()
    grace = timedelta(days=settings.BEHIND_PLAN_GRACE_DAYS)
    instants = [
        instant
        for moment in momenten
        if moment.gepland_op is not None
        for instant in (moment.gepland_op, moment.gepland_op + grace)
        if instant > now
    ]
    return min(instants, default=None)


def freshness_until(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """When "… geleden" for `moment` next reads differently (django.utils.timesince, two
    units): each minute in its first day, each hour in its first week, then each day."""
    if moment is None:
        return None
    now = now or timezone.now()
    age = max(0, int((now - moment).total_seconds()))
    unit = 60 if age < 86400 else 3600 if age < 7 * 86400 else 86400
    return now + timedelta(seconds=unit - age % unit)


def earliest(*instants: datetime | None) -> datetime | None:
    return min((i for i in instants if i is not None), default=None)
