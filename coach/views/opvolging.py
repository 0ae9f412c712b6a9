"""The programme manager's follow-up page: per round, who must act."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from coach import opvolging
from coach.access import manager_required


@manager_required
@require_safe
def follow_up(request):
    rounds = opvolging.overview(opvolging.trajecten_to_check(), timezone.now())
    return render(
        request,
        "coach/opvolging.html",
        {"rounds": rounds, "days": settings.REMINDER_AFTER_DAYS},
    )
