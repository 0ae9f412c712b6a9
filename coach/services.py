"""Writes of the coach app that are not a coach's own edits: the daily reminder mails."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coach import opvolging
from coach.models import Herinnering
from trajecten.models import Traject
from workshops.models import Moment

logger = logging.getLogger(__name__)

# A coach's overdue moments, by trajectory.
Overdue = list[tuple[Traject, list[Moment]]]


@dataclass
class ReminderRun:
    sent: int = 0
    already_today: int = 0
    failed: int = 0


def _overdue_per_coach(now: datetime) -> dict[User, Overdue]:
    """Each active coach with an e-mail address -> their overdue moments, by trajectory."""
    per_coach: dict[User, Overdue] = {}
    for traject in opvolging.trajecten_to_check():
        moments = opvolging.overdue_moments(traject, now)
        if not moments:
            continue
        for coach in traject.coaches.all():
            if coach.is_active and coach.email:
                per_coach.setdefault(coach, []).append((traject, moments))
    return per_coach


def _reminder_message(coach: User, items: Overdue, now: datetime) -> EmailMessage:
    lines = [
        (
            traject,
            [
                (
                    moment,
                    settings.SITE_URL
                    + reverse(
                        f"coach:{moment.kind}_uitkomst",
                        kwargs={"slug": traject.slug, f"{moment.kind}_pk": moment.pk},
                    ),
                )
                for moment in moments
            ],
        )
        for traject, moments in items
    ]
    body = render_to_string(
        "coach/mail/herinnering.txt",
        {
            "coach": coach,
            "items": lines,
            "days": settings.REMINDER_AFTER_DAYS,
            "dashboard_url": settings.SITE_URL + reverse("coach:dashboard"),
            "today": timezone.localdate(now),
        },
    )
    count = sum(len(moments) for _, moments in items)
    subject = (
        "Lokaal Circulair: 1 verslag wacht op publicatie"
        if count == 1
        else f"Lokaal Circulair: {count} verslagen wachten op publicatie"
    )
    return EmailMessage(subject=subject, body=body, to=[coach.email])


def reminders_send(*, now: datetime | None = None) -> ReminderRun:
    """Mail each coach the overdue reports of their own trajectories, at most once a day.

    A coach's row is claimed with a conditional update before the mail goes out, so two runs at
    once never send twice; a failed mail releases the claim, so the next run tries again.
    """
    now = now or timezone.now()
    run = ReminderRun()
    per_coach = _overdue_per_coach(now)
    if not per_coach:
        return run
    existing = {h.coach_id: h for h in Herinnering.objects.filter(coach__in=list(per_coach))}
    missing = [Herinnering(coach=c) for c in per_coach if c.pk not in existing]
    Herinnering.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        existing = {h.coach_id: h for h in Herinnering.objects.filter(coach__in=list(per_coach))}
    mailer = mailers.default
    for coach, items in sorted(per_coach.items(), key=lambda pair: pair[0].pk):
        herinnering = existing[coach.pk]
        previous = herinnering.laatst_verstuurd_op
        if previous and timezone.localdate(previous) == timezone.localdate(now):
            run.already_today += 1
            continue
        claimed = Herinnering.objects.filter(
            pk=herinnering.pk, laatst_verstuurd_op=previous
        ).update(laatst_verstuurd_op=now)
        if not claimed:
            continue  # another run sent it meanwhile
        try:
            mailer.send_messages([_reminder_message(coach, items, now)])
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Herinnering aan coach %s niet verstuurd: %s", coach.pk, exc)
            Herinnering.objects.filter(pk=herinnering.pk, laatst_verstuurd_op=now).update(
                laatst_verstuurd_op=previous
            )
            run.failed += 1
            continue
        run.sent += 1
    return run
