"""The group "Coaches", so that a new installation needs no hand work in admin.

Its members are the coaches (coach/access.py: a coach is an active user in this group, and sees
the trajectories they are assigned to). The group carries no model permissions: coaches work in
the coach workspace, whose views check membership and assignment themselves, and they are not
staff, so Django admin, where model permissions would count, stays closed to them.
"""

from django.db import migrations

# coach.access.COACH_GROUP, copied: a migration keeps the value it was written with.
COACH_GROUP = "Coaches"


def create_coaches_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=COACH_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("coach", "0001_reminder_last_sent"),
    ]

    # Unapplying keeps the group: it may have members by then.
    operations = [migrations.RunPython(create_coaches_group, migrations.RunPython.noop)]
