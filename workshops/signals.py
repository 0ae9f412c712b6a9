"""Which fragments a committed change makes old (workshops/fragmenten.py).

Every save, deletion and many-to-many change of a model a public page shows replaces the
tokens of the scopes that show it, once the transaction commits:

- a trajectory, or anything of one (participants, moments and their attachments, updates,
  results and measurements): that trajectory and its round; a trajectory also the pages of the
  candidates that name it as their follow-up. A record moved to another trajectory (or a
  trajectory to another round) makes both old;
- the reference lists, besturen, rounds, templates and coaches' public names: the whole site
  (they show on every card), as does anything whose trajectory cannot be found any more.

Coaches' logins (`last_login`), follow requests, reminders and sign-off requests show on no
public page and change nothing.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

from besturen.models import Bestuur, Lidmaatschap
from lokaal import fragmenten
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    CoachProfiel,
    Deelname,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Ronde,
    Traject,
    Update,
)
from workshops.models import Bijlage, Coachingsmoment, SjabloonWorkshop, Workshop

# Shown on every page that shows a trajectory.
SITE_WIDE = (
    Actiedomein,
    Beleidsinstrument,
    Ondersteuningsmodule,
    KpiDefinitie,
    Ronde,
    CoachProfiel,
    Bestuur,
    Lidmaatschap,
    SjabloonWorkshop,
)
# Part of one trajectory, by the fields that lead to it.
PARENTS: dict[type, tuple[str, ...]] = {
    Traject: ("ronde_id",),
    Deelname: ("traject_id",),
    Update: ("traject_id",),
    LopendInitiatief: ("traject_id",),
    Beleidsactie: ("traject_id",),
    Pilotkandidaat: ("traject_id", "vervolgtraject_id"),
    GekozenModule: ("traject_id",),
    Partner: ("traject_id",),
    Kpi: ("traject_id",),
    Meting: ("kpi_id",),
    Workshop: ("traject_id",),
    Coachingsmoment: ("traject_id",),
    Bijlage: ("workshop_id", "coachingsmoment_id"),
}
# A user's fields that no public page shows.
PRIVATE_USER_FIELDS = frozenset({"last_login", "password"})


def _traject_ids(model, values: dict) -> set | None:
    """The trajectories a record with these parent values belongs to; None if one is gone."""
    if model is Traject:
        return {values["pk"]}
    if model is Meting:
        found = list(Kpi.objects.filter(pk=values["kpi_id"]).values_list("traject_id", flat=True))
        return set(found) or None
    if model is Bijlage:
        moment = Workshop if values["workshop_id"] else Coachingsmoment
        pk = values["workshop_id"] or values["coachingsmoment_id"]
        found = list(moment.objects.filter(pk=pk).values_list("traject_id", flat=True))
        return set(found) or None
    return {values[field] for field in PARENTS[model] if values[field] is not None}


def scopes_of(model, values: dict) -> set[str]:
    """The scopes that show a record of `model` with these values (its pk and PARENTS)."""
    ids = _traject_ids(model, values)
    if not ids:
        return {fragmenten.SITE}
    scopes = {fragmenten.traject_scope(pk) for pk in ids}
    if model is Traject:
        rondes = {values["ronde_id"]}
        # The pages of candidates that name this trajectory as their follow-up show it.
        scopes |= {
            fragmenten.traject_scope(pk)
            for pk in Pilotkandidaat.objects.filter(vervolgtraject=values["pk"]).values_list(
                "traject_id", flat=True
            )
        }
    else:
        rondes = set(Traject.objects.filter(pk__in=ids).values_list("ronde_id", flat=True))
    return scopes | {fragmenten.ronde_scope(pk) for pk in rondes}


def _values(instance) -> dict:
    return {"pk": instance.pk} | {f: getattr(instance, f) for f in PARENTS[type(instance)]}


def _before_save(sender, instance, raw=False, **kwargs):
    """What a record belonged to before this save, so that a move makes both places old."""
    if raw or instance.pk is None:
        return
    before = sender._base_manager.filter(pk=instance.pk).values("pk", *PARENTS[sender]).first()
    if before is not None and any(before[f] != getattr(instance, f) for f in PARENTS[sender]):
        instance._fragment_scopes_before = scopes_of(sender, before)


def _changed(sender, instance, **kwargs):
    scopes = scopes_of(sender, _values(instance))
    scopes |= getattr(instance, "_fragment_scopes_before", set())
    fragmenten.bump(*scopes)


def _site_changed(sender, instance=None, **kwargs):
    fragmenten.bump(fragmenten.SITE)


def _user_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= PRIVATE_USER_FIELDS:
        return
    fragmenten.bump(fragmenten.SITE)


def _links_changed(sender, instance, action, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Traject):
        fragmenten.bump(*scopes_of(Traject, _values(instance)))
    else:  # from the other side (a domain's trajectories, a round's besturen)
        fragmenten.bump(fragmenten.SITE)


def _migrated(sender, **kwargs):
    """Data migrations write without `save()`."""
    fragmenten.bump_all()


def connect() -> None:
    uid = "fragmenten"
    for model in PARENTS:
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
    for model in SITE_WIDE:
        post_save.connect(_site_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_site_changed, sender=model, dispatch_uid=uid)
    user = get_user_model()
    post_save.connect(_user_changed, sender=user, dispatch_uid=uid)
    post_delete.connect(_site_changed, sender=user, dispatch_uid=uid)
    for through in (
        Traject.prioritaire_actiedomeinen.through,
        Traject.beleidsinstrumenten.through,
        Traject.coaches.through,
        Ronde.extra_besturen.through,
    ):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=uid)
    post_migrate.connect(_migrated, dispatch_uid=uid)
