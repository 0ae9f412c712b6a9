from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from trajecten.markdown import render_markdown
from trajecten.models import Traject
from workshops.models import Bijlage, Coachingsmoment, SjabloonWorkshop, Workshop
from workshops.uploads import CheckedUpload


@transaction.atomic
def plan_workshops_from_template(*, traject: Traject) -> list[Workshop]:
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
# from an older page can be recognised and refused (optimistic locking).

Moment = Workshop | Coachingsmoment

# Fields a history diff leaves out: derived, or bookkeeping that changes on every save.
UNDIFFED_FIELDS = ["verslag_html", "bijgewerkt_op", "versie", "id", "traject"]


class ReportError(Exception):
    """A change to a report that is not allowed; the message is shown to the coach."""


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object


class StaleEdit(Exception):
    """The report was saved by someone else after the coach opened the form."""

    def __init__(self, *, current: Moment, changes: list[FieldChange], by: str, at):
        super().__init__("Dit verslag werd intussen door iemand anders gewijzigd.")
        self.current = current
        self.changes = changes
        self.by = by
        self.at = at


def _label(model, field_name: str) -> str:
    return str(model._meta.get_field(field_name).verbose_name)


def changes_between(old_record, new_record) -> list[FieldChange]:
    """What differs between two history records of the same moment, in readable labels."""
    if old_record is None:
        return []
    delta = new_record.diff_against(old_record, excluded_fields=UNDIFFED_FIELDS)
    model = new_record.instance_type
    return [FieldChange(_label(model, c.field), c.old, c.new) for c in delta.changes]


def _changes_since(current: Moment, base_versie: int) -> StaleEdit:
    records = current.history.select_related("history_user")
    base = records.filter(versie=base_versie).order_by("-history_date", "-history_id").first()
    latest = records.order_by("-history_date", "-history_id").first()
    who = "iemand anders"
    if latest is not None and latest.history_user is not None:
        who = latest.history_user.get_full_name() or latest.history_user.get_username()
    changes = changes_between(base, latest) if latest is not None else []
    return StaleEdit(
        current=current,
        changes=changes,
        by=who,
        at=latest.history_date if latest is not None else current.bijgewerkt_op,
    )


def _locked(moment: Moment) -> Moment:
    return type(moment).objects.select_for_update().get(pk=moment.pk)


@dataclass(frozen=True)
class NewAttachment:
    upload: UploadedFile
    checked: CheckedUpload
    titel: str
    is_publiek: bool


@transaction.atomic
def moment_save(
    *,
    moment: Moment,
    base_versie: int,
    fields: list[str],
    by: AbstractBaseUser,
    attachment: NewAttachment | None = None,
) -> Moment:
    """Save the given fields of a moment the coach edited, unless someone saved it meanwhile.

    `moment` carries the coach's new values; `base_versie` is the version their form started
    from. A stale version raises `StaleEdit` with what changed since, and saves nothing (not
    the attachment either).
    """
    current = _locked(moment)
    if current.versie != base_versie:
        raise _changes_since(current, base_versie)
    moment.versie = current.versie + 1
    moment.verslag_html = render_markdown(moment.verslag)
    moment._history_user = by
    moment.save(update_fields=[*fields, "verslag_html", "versie", "bijgewerkt_op"])
    if attachment is not None:
        bijlage_add(
            moment=moment,
            upload=attachment.upload,
            checked=attachment.checked,
            titel=attachment.titel,
            is_publiek=attachment.is_publiek,
            by=by,
        )
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


@transaction.atomic
def moment_publish(*, moment: Moment, by: AbstractBaseUser, base_versie: int) -> Moment:
    """Make the report public: published now, and the moment counts as held."""
    current = _locked(moment)
    if current.versie != base_versie:
        raise _changes_since(current, base_versie)
    if not current.verslag.strip():
        raise ReportError("Er is nog geen publiek verslag: schrijf eerst een verslag.")
    if current.is_cancelled:
        raise ReportError("Een geannuleerd moment krijgt geen gepubliceerd verslag.")
    if current.gepland_op is None:
        raise ReportError("Vul eerst de datum van dit moment in: zonder datum geen publicatie.")
    if current.gepland_op and current.gepland_op > timezone.now():
        raise ReportError(
            "De geplande datum ligt nog in de toekomst: pas de datum aan voor je publiceert."
        )
    current.verslag_html = render_markdown(current.verslag)
    current.gepubliceerd = True
    current.gepubliceerd_op = timezone.now()
    current.status = current.Status.GEHOUDEN
    current.versie += 1
    current._history_user = by
    current.save()
    return current


@transaction.atomic
def moment_unpublish(*, moment: Moment, by: AbstractBaseUser) -> Moment:
    """Take the report off the public pages; the text stays as a draft."""
    current = _locked(moment)
    current.gepubliceerd = False
    current.gepubliceerd_op = None
    current.versie += 1
    current._history_user = by
    current.save()
    return current


def workshop_publish(*, workshop: Workshop, by: AbstractBaseUser, base_versie: int) -> Workshop:
    return moment_publish(moment=workshop, by=by, base_versie=base_versie)


def workshop_unpublish(*, workshop: Workshop, by: AbstractBaseUser) -> Workshop:
    return moment_unpublish(moment=workshop, by=by)


@transaction.atomic
def moment_delete(*, moment: Moment, by: AbstractBaseUser) -> None:
    """Delete a moment and its attachments; history keeps every row, so admin can restore."""
    current = _locked(moment)
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
    upload: UploadedFile,
    checked: CheckedUpload,
    titel: str,
    is_publiek: bool,
    by: AbstractBaseUser,
) -> Bijlage:
    """Store an upload that passed `workshops.uploads.check_upload`."""
    bijlage = Bijlage(
        titel=titel or checked.bestandsnaam[:200],
        is_publiek=is_publiek,
        bestandsnaam=checked.bestandsnaam,
        mime_type=checked.mime_type,
        grootte=checked.grootte,
        is_afbeelding=checked.is_afbeelding,
        geupload_door=by,
    )
    if isinstance(moment, Workshop):
        bijlage.workshop = moment
    else:
        bijlage.coachingsmoment = moment
    bijlage.bestand.save(checked.bestandsnaam, upload, save=False)
    bijlage._history_user = by
    bijlage.save()
    return bijlage


def bijlage_delete(*, bijlage: Bijlage, by: AbstractBaseUser) -> None:
    # The file stays in storage: the history row still points at it, so a restore is complete.
    bijlage._history_user = by
    bijlage.delete()
