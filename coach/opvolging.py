"""Who must act: overdue reports and trajectories with nothing recorded, per round.

Read-only; the manager's page and the daily reminders both use it, so they always agree.
A workshop or coaching moment is overdue when it is not cancelled, its report is not published,
and its date (without a date: the end of the trajectory) lies more than
`settings.REMINDER_AFTER_DAYS` days in the past. A trajectory has nothing recorded when it has
started, is not closed, and has no held moment, no report text and no update at all.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from trajecten.models import Ronde, Traject, Update


@dataclass
class RoundOverview:
    ronde: Ronde
    overdue: list = field(default_factory=list)  # workshops and coaching moments
    empty: list[Traject] = field(default_factory=list)

    @property
    def is_clear(self) -> bool:
        return not self.overdue and not self.empty


def trajecten_to_check(queryset: QuerySet[Traject] | None = None) -> QuerySet[Traject]:
    """Trajectories with everything the checks read, in a fixed number of queries."""
    queryset = Traject.objects.all() if queryset is None else queryset
    return (
        queryset.exclude(gestopt=True)
        .select_related("ronde")
        .prefetch_related(
            "workshops",
            "coachingsmomenten",
            "coaches",
            Prefetch(
                "updates", queryset=Update.objects.only("id", "traject"), to_attr="alle_updates"
            ),
        )
        .order_by("ronde__start", "ronde__naam", "titel")
    )


def overdue_since(now: datetime) -> datetime:
    return now - timedelta(days=settings.REMINDER_AFTER_DAYS)


def overdue_moments(traject: Traject, now: datetime) -> list:
    """The trajectory's moments whose report is overdue, oldest first."""
    limit = overdue_since(now)
    return [
        m
        for m in traject.momenten
        if not m.is_cancelled and not m.is_public and m.deadline() < limit
    ]


def has_nothing_recorded(traject: Traject, now: datetime) -> bool:
    if traject.gestopt or traject.gepland_start > timezone.localdate(now):
        return False
    if traject.alle_updates:
        return False
    return not any(m.is_held or m.verslag.strip() for m in traject.momenten)


def overview(trajecten, now: datetime) -> list[RoundOverview]:
    """Per round (oldest first), what is overdue and which trajectories are still empty."""
    rounds: dict[int, RoundOverview] = {}
    for traject in trajecten:
        entry = rounds.setdefault(traject.ronde_id, RoundOverview(ronde=traject.ronde))
        entry.overdue += overdue_moments(traject, now)
        if has_nothing_recorded(traject, now):
            entry.empty.append(traject)
    return list(rounds.values())
