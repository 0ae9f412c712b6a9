"""Optimistic locking for everything a coach edits: one version number, one check, one refusal.

Every coach-editable model carries `versie` (the `Versioned` mixin). A form remembers the version
it was opened on; the service saves through `versioned_save`, which locks the stored row, refuses
with `StaleEdit` when someone saved it meanwhile, and otherwise raises the version by one. The
refusal carries what changed since and by whom, read from the model's history.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction

# Fields a history diff leaves out: derived, or bookkeeping that changes on every save.
UNDIFFED_FIELDS = [
    "verslag_html",
    "tekst_html",
    "bijgewerkt_op",
    "versie",
    "id",
    "traject",
    "kpi",
    "workshop",
    "coachingsmoment",
]


class Versioned(models.Model):
    """A record a coach edits: saved from an older page, the edit is refused."""

    versie = models.PositiveIntegerField(default=1, editable=False)

    # Read by django-simple-history when the record is saved: who made the change, and whether
    # to skip the history row.
    _history_user: AbstractBaseUser | None
    _change_reason: str
    skip_history_when_saving: bool

    class Meta:
        abstract = True


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object


class StaleEdit(Exception):
    """The record was saved by someone else after the coach opened the form."""

    def __init__(
        self, *, current: Versioned, changes: list[FieldChange], by: str, at: datetime | None
    ):
        super().__init__("Dit werd intussen door iemand anders gewijzigd.")
        self.current = current
        self.changes = changes
        self.by = by
        self.at = at


def _label(model, field_name: str) -> str:
    return str(model._meta.get_field(field_name).verbose_name)


def changes_between(old_record, new_record) -> list[FieldChange]:
    """What differs between two history records of the same object, in readable labels."""
    if old_record is None:
        return []
    model = new_record.instance_type
    names = {field.name for field in model._meta.fields}
    excluded = [name for name in UNDIFFED_FIELDS if name in names]
    delta = new_record.diff_against(old_record, excluded_fields=excluded)
    return [
        FieldChange(
            _label(model, c.field), _shown(model, c.field, c.old), _shown(model, c.field, c.new)
        )
        for c in delta.changes
    ]


def _shown(model, field_name: str, value):
    """A choice as its label ("Gehouden"), any other value as stored."""
    field = model._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return value


def stale_edit(current: Versioned, base_versie: int) -> StaleEdit:
    """The refusal of an edit made on `base_versie`, with what changed since and by whom."""
    records = current.history.select_related("history_user")
    base = records.filter(versie=base_versie).order_by("-history_date", "-history_id").first()
    latest = records.order_by("-history_date", "-history_id").first()
    who = "iemand anders"
    if latest is not None and latest.history_user is not None:
        who = latest.history_user.get_full_name() or latest.history_user.get_username()
    return StaleEdit(
        current=current,
        changes=changes_between(base, latest) if latest is not None else [],
        by=who,
        at=latest.history_date if latest is not None else None,
    )


def locked_at_version[V: Versioned](obj: V, base_versie: int | None) -> V:
    """The stored row of `obj`, locked for this transaction; `StaleEdit` if it moved on.

    `base_versie` None means the caller does not claim a version (a new object, or a write
    that does not depend on what the coach read); the row is still locked.
    """
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if base_versie is not None and current.versie != base_versie:
        raise stale_edit(current, base_versie)
    return current


@transaction.atomic
def versioned_save[V: Versioned](
    *,
    obj: V,
    base_versie: int | None,
    by: AbstractBaseUser,
    update_fields: list[str] | None = None,
) -> V:
    """Save `obj` (carrying the coach's new values) as the next version, or refuse a stale one.

    A new object starts at version 1. For an existing one, `base_versie` is the version the
    coach's form was opened on; nothing is saved when someone saved after that.
    """
    if obj.pk is None:
        obj.versie = 1
    else:
        obj.versie = locked_at_version(obj, base_versie).versie + 1
        if update_fields is not None:
            update_fields = [*update_fields, "versie"]
    obj._history_user = by
    obj.save(update_fields=update_fields)
    return obj
