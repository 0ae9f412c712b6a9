"""The coach's dashboard and the workspace page of one trajectory."""

from typing import Any

from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from coach.access import coach_required, traject_for_coach, trajecten_for
from trajecten.models import Meting, Traject, Update
from trajecten.services import RESULTS_BY_SOORT

UPCOMING_LIMIT = 12


@coach_required
@require_safe
def dashboard(request):
    trajecten = list(
        trajecten_for(request.user, Traject.objects.with_progress()).prefetch_related(
            Prefetch(
                "updates",
                queryset=Update.objects.filter(gepubliceerd=False),
                to_attr="klad_updates",
            ),
            "workshops__goedkeuringen",
            "coachingsmomenten__goedkeuringen",
        )
    )
    now = timezone.now()
    moments = [m for traject in trajecten for m in traject.momenten]
    upcoming = sorted(
        (m for m in moments if m.is_open and m.gepland_op and m.gepland_op >= now),
        key=lambda m: m.gepland_op,
    )
    overdue = sorted((m for m in moments if m.is_report_due(now)), key=lambda m: m.deadline())
    drafts = [m for m in moments if m.verslag.strip() and not m.gepubliceerd]
    draft_updates = [u for traject in trajecten for u in traject.klad_updates]
    sent_back = [m for m in moments if _sent_back(m)]
    in_review = [m for m in moments if m.ter_nalezing and not m.gepubliceerd]
    draft_results = _draft_results(trajecten)
    return render(
        request,
        "coach/dashboard.html",
        {
            "trajecten": trajecten,
            "upcoming": upcoming[:UPCOMING_LIMIT],
            "upcoming_more": max(0, len(upcoming) - UPCOMING_LIMIT),
            "overdue": overdue,
            "drafts": drafts,
            "draft_updates": draft_updates,
            "draft_count": len(drafts) + len(draft_updates),
            "sent_back": sent_back,
            "in_review": in_review,
            "signoff_count": len(sent_back) + len(in_review),
            "draft_results": draft_results,
        },
    )


def _sent_back(moment) -> object | None:
    """The participant's latest answer when it was "send back" and the coach has not resubmitted."""
    requests = list(moment.goedkeuringen.all())
    if requests and requests[0].status == "teruggestuurd" and not moment.gepubliceerd:
        moment.teruggestuurd = requests[0]
        return requests[0]
    return None


def _draft_results(trajecten) -> list[tuple[Traject, int]]:
    """Per trajectory, how many structured results are still a concept: one query per kind."""
    ids = [t.pk for t in trajecten]
    counts: dict[int, int] = {}
    model: Any
    for model in {m for models in RESULTS_BY_SOORT.values() for m in models}:
        key = "kpi__traject" if model is Meting else "traject"
        rows = (
            model.objects.filter(gepubliceerd=False, **{f"{key}__in": ids})
            .values(key)
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[row[key]] = counts.get(row[key], 0) + row["n"]
    return [(t, counts[t.pk]) for t in trajecten if counts.get(t.pk)]


@coach_required
@require_safe
def traject_detail(request, slug):
    traject = traject_for_coach(
        request,
        slug,
        Traject.objects.with_progress().prefetch_related(
            "coaches", "workshops__bijlagen", "coachingsmomenten__bijlagen", "updates"
        ),
    )
    return render(request, "coach/traject_detail.html", {"traject": traject})
