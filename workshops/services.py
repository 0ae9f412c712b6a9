from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from trajecten import services as trajecten_services
from trajecten.markdown import render_markdown
from trajecten.models import Traject
from trajecten.versioning import locked_at_version, versioned_save
from workshops.models import (
    Bijlage,
    Coachingsmoment,
    Goedkeuringsverzoek,
    SjabloonWorkshop,
    Workshop,
)
from workshops.uploads import DISK_FULL_ERRNOS, CheckedUpload, UploadNotStored, public_copy


@transaction.atomic
def workshops_plan_from_template(*, traject: Traject) -> list[Workshop]:
    """Plan the workshops of the trajectory's track template that it does not have yet.

    Existing workshops are left as they are, so this is safe to run again.
    """
    existing = set(traject.workshops.values_list("volgnummer", flat=True))
    created = [
        Workshop(
            traject=traject,
            volgnummer=stap.volgnummer,
            titel=stap.titel,
            thema=stap.thema,
        )
        for stap in SjabloonWorkshop.objects.filter(soort=traject.soort)
        if stap.volgnummer not in existing
    ]
    for workshop in created:
        workshop.save()
    return created


# Writing reports. Every change through the coach pages raises `versie` by one, so an edit made
# from an older page can be recognised and refused (`trajecten.versioning`).

Moment = Workshop | Coachingsmoment


class ReportError(Exception):
    """A change to a report that is not allowed; the message is shown to the coach."""


@dataclass(frozen=True)
class NewAttachment:
    upload: UploadedFile[bytes]
    checked: CheckedUpload
    titel: str
    is_publiek: bool


@transaction.atomic
def moment_save(
    *,
    moment: Moment,
    base_versie: int | None,
    fields: list[str],
    by: AbstractBaseUser,
    attachments: Sequence[NewAttachment] = (),
) -> Moment:
    """Save the given fields of a moment the coach edited, unless someone saved it meanwhile.

    `moment` carries the coach's new values; `base_versie` is the version their form started
    from. A stale version raises `StaleEdit` with what changed since, and saves nothing (not
    the attachments either).
    """
    moment.verslag_html = render_markdown(moment.verslag)
    versioned_save(
        obj=moment,
        base_versie=base_versie,
        by=by,
        update_fields=[*fields, "verslag_html", "bijgewerkt_op"],
    )
    added: list[Bijlage] = []
    try:
        for attachment in attachments:
            added.append(
                bijlage_add(
                    moment=moment,
                    upload=attachment.upload,
                    checked=attachment.checked,
                    titel=attachment.titel,
                    is_publiek=attachment.is_publiek,
                    by=by,
                )
            )
    except UploadNotStored:
        # The transaction drops the rows; the files stored before the disk filled go too.
        for bijlage in added:
            for stored in (bijlage.bestand, bijlage.publieke_kopie):
                if stored.name:
                    stored.storage.delete(stored.name)
        raise
    return moment


@transaction.atomic
def moment_save_by_manager(*, moment: Moment, by: AbstractBaseUser) -> Moment:
    """A save from Django admin: the same derived fields as in the workspace.

    The report is rendered, the publication moment follows the published flag, and the
    version goes up, so a coach whose form was opened before this save is told about it.
    """
    moment.verslag_html = render_markdown(moment.verslag)
    if moment.gepubliceerd and moment.gepubliceerd_op is None:
        moment.gepubliceerd_op = timezone.now()
    elif not moment.gepubliceerd:
        moment.gepubliceerd_op = None
    # A restore from history brings back a row that no longer exists: it keeps its version.
    current = type(moment).objects.select_for_update().filter(pk=moment.pk).first()
    moment.versie = (current or moment).versie + 1
    moment._history_user = by
    moment.save()
    return moment


@transaction.atomic
def moment_create(*, moment: Moment, by: AbstractBaseUser) -> Moment:
    moment.verslag_html = render_markdown(moment.verslag)
    moment.versie = 1
    moment._history_user = by
    moment.save()
    return moment


class ApprovalRequired(ReportError):
    """The round wants the participant's approval of this text before it goes public."""


def report_snapshot(moment: Moment) -> dict[str, Any]:
    """The public rendering of a report, as data: what a contact person approves."""
    return {
        "titel": str(moment),
        "datum": timezone.localtime(moment.gepland_op).isoformat() if moment.gepland_op else "",
        "verslag_html": render_markdown(moment.verslag),
        "aantal_aanwezigen": moment.aantal_aanwezigen,
        "beslissingen": moment.beslissingen,
        "volgende_stappen": moment.volgende_stappen,
        "bijlagen": [b.titel for b in moment.bijlagen.filter(is_publiek=True).order_by("pk")],
        # The results that go public with the report (`result_kinds`): the contact approves
        # them too, and a change to one of them after approval asks for a new approval.
        "resultaten": [
            {
                "soort": str(model._meta.verbose_name_plural),
                "items": [
                    str(row)
                    for row in trajecten_services.result_rows(model, moment.traject).order_by("pk")
                ],
            }
            for model in result_kinds(moment)
        ],
    }


def approval_required(moment: Moment) -> bool:
    return moment.traject.ronde.goedkeuring_vereist


def is_approved(moment: Moment) -> bool:
    """Whether the contact person approved exactly the text that is stored now."""
    snapshot = report_snapshot(moment)
    return any(
        verzoek.inhoud == snapshot
        for verzoek in moment.goedkeuringen.filter(status=Goedkeuringsverzoek.Status.GOEDGEKEURD)
    )


def check_publishable(moment: Moment) -> None:
    """Raise `ReportError` with the reason when this report cannot go public as it stands."""
    if not moment.verslag.strip():
        raise ReportError("Er is nog geen publiek verslag: schrijf eerst een verslag.")
    if moment.is_cancelled:
        raise ReportError("Een geannuleerd moment krijgt geen gepubliceerd verslag.")
    if moment.gepland_op is None:
        raise ReportError("Vul eerst de datum van dit moment in: zonder datum geen publicatie.")
    if moment.gepland_op > timezone.now():
        raise ReportError(
            "De geplande datum ligt nog in de toekomst: pas de datum aan voor u publiceert."
        )


@transaction.atomic
def moment_publish(
    *, moment: Moment, by: AbstractBaseUser | None, base_versie: int | None, reason: str = ""
) -> Moment:
    """Make the report public: published now, and the moment counts as held.

    When the round requires the participant's sign-off, only a text the contact person
    approved goes public (`ApprovalRequired` otherwise). The report takes the draft results of
    the kinds its outcome page edits along (`result_kinds`).
    """
    current = locked_at_version(moment, base_versie)
    current.traject = moment.traject
    check_publishable(current)
    if approval_required(current) and not is_approved(current):
        raise ApprovalRequired(
            "Deze ronde vraagt dat het deelnemende bestuur het verslag goedkeurt voor het "
            "publiek wordt. Leg het eerst ter goedkeuring voor."
        )
    current.verslag_html = render_markdown(current.verslag)
    current.gepubliceerd = True
    current.ter_nalezing = False
    current.gepubliceerd_op = timezone.now()
    current.status = current.Status.GEHOUDEN
    current.versie += 1
    current._history_user = by
    if reason:
        current._change_reason = reason[:100]  # the history's change-reason column
    current.save()
    trajecten_services.results_follow_report(
        traject=current.traject,
        kinds=result_kinds(current),
        publish=True,
        by=by,
        reason=f"Gepubliceerd met het verslag van {current}",
    )
    return current


def result_kinds(moment: Moment) -> tuple[type[Model], ...]:
    """The kinds of structured result this moment's outcome page edits and publishes.

    Results carry no link to a moment: the rule is "every result of these kinds of the
    trajectory". On a strategy track that is one workshop's own (2: initiatives; 3: policy
    actions and pilot candidates); on a pilot track every workshop and coaching moment carries
    the modules, partners, KPIs and measurements.
    """
    volgnummer = moment.volgnummer if isinstance(moment, Workshop) else None
    return trajecten_services.results_of_workshop(moment.traject.soort, volgnummer)


def results_shared_with(moment: Moment) -> list[Moment]:
    """The other published reports of the trajectory that carry the same kinds of result.

    While one of them stays published, unpublishing this report leaves those results public.
    """
    kinds = set(result_kinds(moment))
    if not kinds:
        return []
    others: list[Moment] = []
    for model in (Workshop, Coachingsmoment):
        for other in model.objects.filter(traject_id=moment.traject_id, gepubliceerd=True):
            if type(other) is type(moment) and other.pk == moment.pk:
                continue
            other.traject = moment.traject
            if kinds & set(result_kinds(other)):
                others.append(other)
    return others


@transaction.atomic
def moment_unpublish(*, moment: Moment, by: AbstractBaseUser, base_versie: int | None) -> Moment:
    """Take the report off the public pages; the text stays as a draft (concept).

    Its results (`result_kinds`) go back to concept too, unless another published report of
    the trajectory carries the same kinds (`results_shared_with`: on a pilot track, any).

    `base_versie` is the version the coach saw; None for a manager's deliberate action.
    """
    current = locked_at_version(moment, base_versie)
    current.traject = moment.traject
    current.gepubliceerd = False
    current.ter_nalezing = False
    current.gepubliceerd_op = None
    current.versie += 1
    current._history_user = by
    current.save()
    # Its results go back to concept with it, unless another published report carries them.
    if not results_shared_with(current):
        trajecten_services.results_follow_report(
            traject=current.traject,
            kinds=result_kinds(current),
            publish=False,
            by=by,
            reason=f"Publicatie afgezet met het verslag van {current}",
        )
    return current


@transaction.atomic
def moment_delete(*, moment: Moment, by: AbstractBaseUser) -> None:
    """Delete a moment and its attachments; history keeps every row, so admin can restore."""
    current = locked_at_version(moment, None)
    if current.gepubliceerd:
        raise ReportError(
            "Een gepubliceerd verslag wordt niet verwijderd. Zet de publicatie eerst af."
        )
    for bijlage in current.bijlagen.all():
        bijlage._history_user = by
        bijlage.delete()
    current._history_user = by
    current.delete()


@transaction.atomic
def bijlage_add(
    *,
    moment: Moment,
    upload: UploadedFile[bytes],
    checked: CheckedUpload,
    titel: str,
    is_publiek: bool,
    by: AbstractBaseUser,
) -> Bijlage:
    """Store an upload that passed `workshops.uploads.check_upload`.

    A full disk raises `UploadNotStored` (a Dutch ValidationError): the storage leaves no partial
    file and the transaction no row, nor anything else the calling service saved with it.
    """
    bijlage = Bijlage(
        titel=titel or checked.bestandsnaam[:200],
        is_publiek=is_publiek,
        bestandsnaam=checked.bestandsnaam,
        mime_type=checked.mime_type,
        grootte=checked.grootte,
        is_afbeelding=checked.is_afbeelding,
        geupload_door=by,  # type: ignore[misc]  # `by` is an auth.User (AUTH_USER_MODEL)
    )
    if isinstance(moment, Workshop):
        bijlage.workshop = moment
    else:
        bijlage.coachingsmoment = moment
    copy = public_copy(upload, checked=checked)
    try:
        bijlage.bestand.save(checked.bestandsnaam, upload, save=False)
        if copy is not None:
            bijlage.publieke_kopie.save(checked.bestandsnaam, copy, save=False)
    except OSError as error:
        # No file without its row: the original goes when its public copy found no room.
        if bijlage.bestand.name:
            bijlage.bestand.storage.delete(bijlage.bestand.name)
        if error.errno in DISK_FULL_ERRNOS:
            raise UploadNotStored from error
        raise
    bijlage._history_user = by
    bijlage.save()
    return bijlage


def bijlage_delete(*, bijlage: Bijlage, by: AbstractBaseUser) -> None:
    # The file stays in storage: the history row still points at it, so a restore is complete.
    bijlage._history_user = by
    bijlage.delete()


def bijlage_update(*, bijlage: Bijlage, base_versie: int | None, by: AbstractBaseUser) -> Bijlage:
    """Save a new title or public flag of an attachment, unless someone changed it meanwhile."""
    return versioned_save(
        obj=bijlage, base_versie=base_versie, by=by, update_fields=["titel", "is_publiek"]
    )
