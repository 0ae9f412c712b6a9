"""The group "Coaches" comes from a migration: a new installation needs no hand work."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User

from coach.access import COACH_GROUP, is_coach_or_manager

migration = importlib.import_module("coach.migrations.0002_coaches_group")


@pytest.mark.django_db
def test_the_migrated_database_has_the_coaches_group_without_permissions():
    group = Group.objects.get(name=COACH_GROUP)
    assert not group.permissions.exists()


def test_the_migration_uses_the_name_the_access_rule_checks():
    assert migration.COACH_GROUP == COACH_GROUP


@pytest.mark.django_db
def test_the_migration_creates_the_group_once():
    Group.objects.filter(name=COACH_GROUP).delete()
    migration.create_coaches_group(apps, None)
    migration.create_coaches_group(apps, None)
    assert Group.objects.filter(name=COACH_GROUP).count() == 1


@pytest.mark.django_db
def test_a_user_added_to_the_migrated_group_is_a_coach():
    user = User.objects.create_user("nog-geen-coach")
    assert not is_coach_or_manager(user)
    user.groups.add(Group.objects.get(name=COACH_GROUP))
    assert is_coach_or_manager(user)
