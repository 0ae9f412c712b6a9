"""Participant sign-off: a report put before the participating bestuur before it goes public.

A round with `goedkeuring_vereist` publishes a report only after the contact person of the
trajectory's bestuur (`Deelname.contact_email`, lead first) approved that very text. The coach
submits (`signoff_request`): the report goes "ter nalezing", a request row records the version
and what the contact will see, and a mail with a signed link leaves through the mail task.
The link (`signoff_link`) carries the row's random key, signed with a timestamp: it expires
after `SIGNOFF_LINK_DAYS`, works once (an answer closes the row) and only while the report is
still the submitted version. Approving publishes the report at once (`signoff_approve`);
sending back (`signoff_send_back`) returns it to concept with the contact's comment. Each step
is a history entry of the report, with who, when and which version.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lokaal.tasks import email_send
from trajecten.models import Deelname, Traject
from trajecten.versioning import locked_at_version
from workshops import services as workshop_services
from workshops.models import Goedkeuringsverzoek, Workshop
from workshops.services import Moment, ReportError

SALT = "coach.goedkeuring"


class LinkRefused(Exception):
    """A link that changes nothing: the page says why, with the HTTP status to answer."""

    def __init__(self, message: str, *, status: int, verzoek: Goedkeuringsverzoek | None = None):
        super().__init__(message)
        self.status = status
        self.verzoek = verzoek


@dataclass(frozen=True)
class Contact:
    naam: str
    email: str


def contact_for(traject: Traject) -> Contact | None:
    """The contact person who signs off: of the lead bestuur first, the first with an address."""
    for deelname in Deelname.objects.filter(traject=traject).lead_first():
        if deelname.contact_email:
            return Contact(
                naam=deelname.contact_naam or deelname.bestuur.korte_naam,
                email=deelname.contact_email,
            )
    return None


def signoff_link(verzoek: Goedkeuringsverzoek) -> str:
    token = signing.TimestampSigner(salt=SALT).sign(verzoek.sleutel)
    return settings.SITE_URL + reverse("goedkeuring:verzoek", args=[token])


def _moment_filter(moment: Moment) -> dict:
    return {"workshop": moment} if isinstance(moment, Workshop) else {"coachingsmoment": moment}


def latest_request(moment: Moment) -> Goedkeuringsverzoek | None:
    """The moment's newest request; reads a prefetch of `goedkeuringen` when there is one."""
    rows = list(moment.goedkeuringen.all())
    return rows[0] if rows else None


@transaction.atomic
def signoff_request(*, moment: Moment, base_versie: int | None, by: AbstractBaseUser):
    """Put the report, as the coach read it, before the contact person; mail them the link."""
    traject = moment.traject
    current = locked_at_version(moment, base_versie)
    current.traject = traject
    if current.gepubliceerd:
        raise ReportError("Dit verslag is al gepubliceerd.")
    workshop_services.check_publishable(current)
    contact = contact_for(traject)
    if contact is None:
        raise ReportError(
            "Er is nog geen contactpersoon met e-mailadres voor dit traject. Een "
            "programmabeheerder vult die in bij de deelname van het bestuur (beheer, traject)."
        )
    Goedkeuringsverzoek.objects.filter(**_moment_filter(current)).open().update(
        status=Goedkeuringsverzoek.Status.VERVANGEN, beantwoord_op=timezone.now()
    )
    current.ter_nalezing = True
    current.versie += 1
    current._history_user = by
    current._change_reason = (
        f"Ter goedkeuring voorgelegd aan contactpersoon {contact.naam} (versie {current.versie})"
    )[:100]
    current.save()
    verzoek = Goedkeuringsverzoek.objects.create(
        **_moment_filter(current),
        versie=current.versie,
        inhoud=workshop_services.report_snapshot(current),
        sleutel=secrets.token_urlsafe(32),
        contact_naam=contact.naam,
        contact_email=contact.email,
        aangevraagd_door=by,
    )
    body = render_to_string(
        "goedkeuring/mail.txt",
        {
            "verzoek": verzoek,
            "moment": current,
            "traject": traject,
            "link": signoff_link(verzoek),
            "days": settings.SIGNOFF_LINK_DAYS,
            "coach": by.get_full_name() or by.get_username(),
        },
    )
    # Stored with this transaction, sent by the worker: never waits on the mail server.
    email_send.enqueue(
        to=[contact.email],
        subject=f"Lokaal Circulair: verslag ter goedkeuring – {current} ({traject.titel})",
        body=body,
    )
    return verzoek


def read_link(token: str) -> Goedkeuringsverzoek:
    """The open request a link names, or `LinkRefused` with why it changes nothing."""
    try:
        sleutel = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.SIGNOFF_LINK_DAYS * 24 * 3600
        )
    except signing.SignatureExpired:
        raise LinkRefused(
            f"Deze link is verlopen: een link is {settings.SIGNOFF_LINK_DAYS} dagen geldig. "
            "Vraag de coach om het verslag opnieuw voor te leggen.",
            status=410,
        ) from None
    except signing.BadSignature:
        raise LinkRefused(
            "Deze link is ongeldig. Gebruik de volledige link uit de e-mail.", status=403
        ) from None
    verzoek = (
        Goedkeuringsverzoek.objects.select_related("workshop__traject", "coachingsmoment__traject")
        .filter(sleutel=sleutel)
        .first()
    )
    if verzoek is None:
        raise LinkRefused("Deze link hoort bij geen enkel verzoek meer.", status=410)
    if verzoek.status == Goedkeuringsverzoek.Status.VERVANGEN:
        raise LinkRefused(
            "De coach legde intussen een nieuwere versie voor; u kreeg daarvoor een nieuwe "
            "e-mail. Deze link wijzigt niets meer.",
            status=410,
            verzoek=verzoek,
        )
    if not verzoek.is_open:
        raise LinkRefused(
            "Deze link werd al gebruikt: het verslag werd op "
            f"{timezone.localtime(verzoek.beantwoord_op):%d-%m-%Y om %H.%M} "
            f"{verzoek.get_status_display().lower()}. Een link werkt maar één keer.",
            status=410,
            verzoek=verzoek,
        )
    return verzoek


def text_changed(verzoek: Goedkeuringsverzoek, moment: Moment | None = None) -> bool:
    """Whether the report, or a result that goes public with it, changed after it was submitted
    (the link then approves nothing)."""
    moment = moment or verzoek.moment
    if moment.versie != verzoek.versie:
        return True
    return workshop_services.report_snapshot(moment) != verzoek.inhoud


def _answer(verzoek: Goedkeuringsverzoek) -> tuple[Goedkeuringsverzoek, Moment]:
    """Lock the request and its report; refuse a used request or a changed text."""
    locked = Goedkeuringsverzoek.objects.select_for_update().get(pk=verzoek.pk)
    if not locked.is_open:
        raise LinkRefused("Deze link werd al gebruikt. Een link werkt maar één keer.", status=410)
    moment = verzoek.moment
    current = type(moment).objects.select_for_update().get(pk=moment.pk)
    current.traject = moment.traject
    if text_changed(locked, current):
        raise LinkRefused(
            "De tekst van het verslag werd gewijzigd nadat deze link verstuurd werd. U kunt "
            "deze versie dus niet meer goedkeuren; de coach legt de nieuwe tekst opnieuw voor.",
            status=409,
            verzoek=locked,
        )
    return locked, current


@transaction.atomic
def signoff_approve(*, verzoek: Goedkeuringsverzoek) -> Moment:
    """The contact person approves: the report is published, exactly the submitted version."""
    locked, current = _answer(verzoek)
    locked.status = Goedkeuringsverzoek.Status.GOEDGEKEURD
    locked.beantwoord_op = timezone.now()
    locked.save(update_fields=["status", "beantwoord_op"])
    try:
        return workshop_services.moment_publish(
            moment=current,
            by=None,
            base_versie=locked.versie,
            reason=f"Goedgekeurd en gepubliceerd door contactpersoon {locked.contact_naam} "
            f"(versie {locked.versie})",
        )
    except ReportError as error:
        raise LinkRefused(str(error), status=409, verzoek=locked) from error


@transaction.atomic
def signoff_send_back(*, verzoek: Goedkeuringsverzoek, opmerking: str) -> Moment:
    """The contact person sends the report back with a comment: it is a concept again."""
    locked, current = _answer(verzoek)
    locked.status = Goedkeuringsverzoek.Status.TERUGGESTUURD
    locked.opmerking = opmerking
    locked.beantwoord_op = timezone.now()
    locked.save(update_fields=["status", "opmerking", "beantwoord_op"])
    current.ter_nalezing = False
    current.versie += 1
    current._history_user = None
    current._change_reason = (
        f"Teruggestuurd door contactpersoon {locked.contact_naam} (versie {locked.versie}): "
        f"{opmerking}"
    )[:100]
    current.save()
    return current
