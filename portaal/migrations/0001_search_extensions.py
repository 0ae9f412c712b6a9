"""PostgreSQL extensions for forgiving search; nothing happens on SQLite."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = []

    operations = [UnaccentExtension(), TrigramExtension()]
