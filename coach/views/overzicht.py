"""The coach's dashboard and the workspace page of one trajectory."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from coach.access import coach_required, traject_for_coach, trajecten_for
from trajecten.models import Traject, Update

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
            )
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
        },
    )


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
