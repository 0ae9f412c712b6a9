"""Writes of the coach workspace that do not belong to one app: the trajectory's updates."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from trajecten.markdown import render_markdown
from trajecten.models import Update


@transaction.atomic
def update_save(*, update: Update, publish: bool, by: AbstractBaseUser) -> Update:
    """Save an update on the trajectory's timeline; publishing puts it on the public page."""
    update.tekst_html = render_markdown(update.tekst)
    if publish and not update.gepubliceerd:
        update.gepubliceerd_op = timezone.now()
    elif not publish:
        update.gepubliceerd_op = None
    update.gepubliceerd = publish
    if update.auteur_id is None:
        update.auteur = by
    update._history_user = by
    update.save()
    return update


def update_delete(*, update: Update, by: AbstractBaseUser) -> None:
    update._history_user = by
    update.delete()
