"""Following by e-mail: double opt-in, the daily digest and unsubscribing.

Only two things ever send mail: `follow_request` (one confirmation mail, at most one per address
per ten minutes) and `digests_send`, which only `manage.py send_digests` calls.
"""

import email.policy
import enum
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import Policy
from typing import Any, cast

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from besturen.models import Bestuur
from trajecten.models import Deelname, Traject
from volgen.models import Volger
from workshops.nieuws import Nieuwsitem, public_items

logger = logging.getLogger(__name__)

CONFIRM_SALT = "volgen.bevestigen"
UNSUBSCRIBE_SALT = "volgen.afmelden"
CONFIRM_MAX_AGE = timedelta(days=2)
CONFIRM_MAIL_INTERVAL = timedelta(minutes=10)
SUBJECT_PREFIX = "Lokaal Circulair"


class MailNotSent(Exception):
    """The mail server could not take the message; nothing was recorded."""


class FollowRequest(enum.Enum):
    SENT = "sent"
    ALREADY_FOLLOWING = "already_following"
    RATE_LIMITED = "rate_limited"


class BadLink(Exception):
    def __init__(self, *, expired: bool):
        super().__init__("verlopen" if expired else "ongeldig")
        self.expired = expired


Onderwerp = Bestuur | Traject


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_volger(email: str) -> Volger | None:
    return Volger.objects.filter(email__iexact=normalize_email(email)).first()


def is_following(volger: Volger | None, onderwerp: Onderwerp) -> bool:
    if volger is None or not volger.is_bevestigd:
        return False
    if isinstance(onderwerp, Traject):
        return volger.trajecten.filter(pk=onderwerp.pk).exists()
    return volger.besturen.filter(pk=onderwerp.pk).exists()


# Signed links.


def confirm_token(*, email: str, onderwerp: Onderwerp) -> str:
    kind = "t" if isinstance(onderwerp, Traject) else "b"
    return signing.dumps(
        {"e": normalize_email(email), "k": kind, "id": onderwerp.pk}, salt=CONFIRM_SALT
    )


def read_confirm_token(token: str) -> tuple[str, Onderwerp | None]:
    """The address and what it asked to follow (None if that no longer exists)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise BadLink(expired=True) from None
    except signing.BadSignature:
        raise BadLink(expired=False) from None
    model = Traject if data.get("k") == "t" else Bestuur
    return data["e"], model.objects.filter(pk=data.get("id")).first()


def unsubscribe_token(*, email: str) -> str:
    # No expiry: a link in a mail from last year must still stop the mail.
    return signing.dumps({"e": normalize_email(email)}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> str:
    try:
        address: str = signing.loads(token, salt=UNSUBSCRIBE_SALT)["e"]
        return address
    except (signing.BadSignature, KeyError, TypeError):
        raise BadLink(expired=False) from None


def unsubscribe_url(email: str) -> str:
    return _absolute(reverse("volgen:afmelden", args=[unsubscribe_token(email=email)]))


class FollowMail(EmailMultiAlternatives):
    """A mail with a List-Unsubscribe header that mail programs can read.

    Python folds a header longer than 78 characters, and a long URL without spaces can only be
    folded by turning it into RFC 2047 encoded words, which no mail program accepts as a
    List-Unsubscribe address. RFC 5322 allows lines of up to 998 characters, so allow those.
    """

    def message(self, *, policy: Policy | None = email.policy.default) -> EmailMessage:
        return super().message(policy=(policy or email.policy.default).clone(max_line_length=998))


def _message(*, to: str, subject: str, template: str, context: dict[str, Any]) -> FollowMail:
    link = unsubscribe_url(to)
    context = {**context, "afmeld_url": link, "site_url": settings.SITE_URL}
    with translation.override("nl-be"):
        text = render_to_string(f"volgen/mail/{template}.txt", context)
        html = render_to_string(f"volgen/mail/{template}.html", context)
    message = FollowMail(
        subject=f"{SUBJECT_PREFIX}: {subject}",
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# Following.


def follow_request(
    *, email: str, onderwerp: Onderwerp, now: datetime | None = None
) -> FollowRequest:
    """Send one confirmation mail for following `onderwerp`, unless that would be a repeat.

    Raises MailNotSent (and records nothing) when the mail server refuses or is unreachable.
    """
    now = now or timezone.now()
    email = normalize_email(email)
    with transaction.atomic():
        volger = Volger.objects.select_for_update().filter(email__iexact=email).first()
        if is_following(volger, onderwerp):
            return FollowRequest.ALREADY_FOLLOWING
        if (
            volger is not None
            and volger.bevestigingsmail_op
            and now - volger.bevestigingsmail_op < CONFIRM_MAIL_INTERVAL
        ):
            return FollowRequest.RATE_LIMITED
        if volger is None:
            try:
                with transaction.atomic():
                    volger = Volger.objects.create(email=email, bevestigingsmail_op=now)
            except IntegrityError:
                # A second request for the same new address won the race: it sends the mail.
                return FollowRequest.RATE_LIMITED
        else:
            volger.bevestigingsmail_op = now
            volger.save(update_fields=["bevestigingsmail_op"])
        link = _absolute(
            reverse("volgen:bevestigen", args=[confirm_token(email=email, onderwerp=onderwerp)])
        )
        message = _message(
            to=email,
            subject=f"bevestig dat u {onderwerp} wilt volgen",
            template="bevestigen",
            context={
                "onderwerp": onderwerp,
                "bevestig_url": link,
                "geldig_uren": int(CONFIRM_MAX_AGE.total_seconds() // 3600),
            },
        )
        try:
            mailers.default.send_messages([message])
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Bevestigingsmail niet verstuurd: %s", exc)
            # Roll back the timestamp: a failed mail must not block a retry.
            transaction.set_rollback(True)
            raise MailNotSent from exc
    return FollowRequest.SENT


@transaction.atomic
def follow_confirm(*, email: str, onderwerp: Onderwerp, now: datetime | None = None) -> Volger:
    """Record the confirmed choice; confirming again changes nothing."""
    now = now or timezone.now()
    email = normalize_email(email)
    volger = Volger.objects.select_for_update().filter(email__iexact=email).first()
    if volger is None:
        # Addresses are stored normalized, so a plain get_or_create finds a concurrent insert.
        volger, _ = Volger.objects.get_or_create(email=email)
    if volger.bevestigd_op is None:
        volger.bevestigd_op = now
        volger.save(update_fields=["bevestigd_op"])
    if isinstance(onderwerp, Traject):
        volger.trajecten.add(onderwerp)
    else:
        volger.besturen.add(onderwerp)
    return volger


def volger_unsubscribe(*, email: str) -> bool:
    """Forget the address and everything it followed. False if it was not known."""
    deleted, _ = Volger.objects.filter(email__iexact=normalize_email(email)).delete()
    return deleted > 0


def volgers_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Forget addresses that never confirmed within the life of their link."""
    now = now or timezone.now()
    deleted, _ = Volger.objects.filter(
        bevestigd_op__isnull=True, aangemaakt_op__lt=now - CONFIRM_MAX_AGE
    ).delete()
    return deleted


# The daily digest.


@dataclass
class DigestRun:
    sent: int = 0
    nothing_new: int = 0
    already_today: int = 0
    failed: int = 0
    purged: int = 0


def _followed_traject_ids(volger: Volger) -> set[int]:
    ids = {traject.pk for traject in volger.trajecten.all()}
    for bestuur in volger.besturen.all():
        ids.update(deelname.traject_id for deelname in bestuur.deelnames.all())
    return ids


def _grouped(items: list[Nieuwsitem]) -> list[tuple[Traject, list[Nieuwsitem]]]:
    groups: dict[int, tuple[Traject, list[Nieuwsitem]]] = {}
    for item in sorted(items, key=lambda i: i.gepubliceerd_op):
        groups.setdefault(item.traject.pk, (item.traject, []))[1].append(item)
    return sorted(groups.values(), key=lambda group: group[0].titel)


def _digest_message(volger: Volger, items: list[Nieuwsitem]) -> FollowMail:
    count = len(items)
    subject = "1 nieuw bericht" if count == 1 else f"{count} nieuwe berichten"
    groups = [
        (traject, _absolute(traject.get_absolute_url()), [(i, _absolute(i.link)) for i in group])
        for traject, group in _grouped(items)
    ]
    return _message(
        to=volger.email,
        subject=f"{subject} over wat u volgt",
        template="digest",
        context={
            "groups": groups,
            "count": count,
            "besturen": list(volger.besturen.all()),
            "trajecten": list(volger.trajecten.all()),
        },
    )


def _same_local_day(a: datetime, b: datetime) -> bool:
    return timezone.localdate(a) == timezone.localdate(b)


def digests_send(*, now: datetime | None = None) -> DigestRun:
    """Send each confirmed address at most one digest per (Brussels) day, only if there is news.

    An address's window runs from its previous digest (or its confirmation) to `now`. Each
    address is claimed with a conditional update before its mail goes out, so two runs at once
    never send the same digest twice; a failed mail releases the claim for the next run.
    """
    now = now or timezone.now()
    run = DigestRun(purged=volgers_purge_unconfirmed(now=now))
    volgers = list(
        Volger.objects.filter(bevestigd_op__isnull=False).prefetch_related(
            "trajecten",
            Prefetch(
                "besturen",
                queryset=Bestuur.objects.prefetch_related(
                    Prefetch(
                        "deelnames", queryset=Deelname.objects.only("id", "bestuur", "traject")
                    )
                ),
            ),
        )
    )
    due = []
    for volger in volgers:
        if volger.laatste_digest_op and _same_local_day(volger.laatste_digest_op, now):
            run.already_today += 1
        else:
            due.append(volger)
    if not due:
        return run
    # Only confirmed addresses were fetched: bevestigd_op is set.
    starts = [cast(datetime, v.laatste_digest_op or v.bevestigd_op) for v in due]
    wanted = set().union(*(_followed_traject_ids(v) for v in due))
    items = public_items(
        traject_filter=Q(traject_id__in=wanted), since=min(starts), until=now, limit=None
    )
    mailer = mailers.default
    for volger, start in zip(due, starts, strict=True):
        followed = _followed_traject_ids(volger)
        news = [i for i in items if i.traject.pk in followed and i.gepubliceerd_op > start]
        if not news:
            run.nothing_new += 1
            continue
        claimed = Volger.objects.filter(
            pk=volger.pk, laatste_digest_op=volger.laatste_digest_op
        ).update(laatste_digest_op=now)
        if not claimed:
            continue  # another run took this address, or it unsubscribed meanwhile
        try:
            mailer.send_messages([_digest_message(volger, news)])
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("Overzicht aan volger %s niet verstuurd: %s", volger.pk, exc)
            Volger.objects.filter(pk=volger.pk, laatste_digest_op=now).update(
                laatste_digest_op=volger.laatste_digest_op
            )
            run.failed += 1
            continue
        run.sent += 1
    return run
