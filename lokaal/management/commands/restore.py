"""Restore a backup written by `manage.py backup` into the configured database.

PostgreSQL: pg_restore --clean --if-exists in one transaction (all or nothing).
SQLite: the backup file is copied into the database with SQLite's backup API.
Everything in the target database is replaced. Afterwards every session is ended (a session
that had logged out after the backup must not come back); the public pages kept by the proxy
show the restored data once they expire (PUBLIC_CACHE_SECONDS).
"""

import sqlite3
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from lokaal import fragmenten
from lokaal.management.commands.backup import run_pg_tool


class Command(BaseCommand):
    help = "Zet een back-up van `manage.py backup` terug; de huidige gegevens worden vervangen."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Het back-upbestand.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--yes", action="store_true", help="Niet vragen: de huidige gegevens vervangen."
        )

    def handle(self, *args, path, database, yes, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"Back-upbestand {source} bestaat niet.")
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        if not yes and options.get("interactive", True):
            answer = input(f"Alle gegevens in '{name}' worden vervangen. Verder? [ja/nee] ")
            if answer.strip().lower() not in {"ja", "j", "yes", "y"}:
                raise CommandError("Afgebroken: er is niets gewijzigd.")
        if connection.vendor == "postgresql":
            connection.close()
            run_pg_tool(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    "--dbname",
                    name,
                    str(source),
                ],
                connection.settings_dict,
            )
        elif connection.vendor == "sqlite":
            backup = sqlite3.connect(source)
            try:
                connection.ensure_connection()
                backup.backup(connection.connection)
            finally:
                backup.close()
        else:
            raise CommandError(f"Geen herstel voor een {connection.vendor}-databank.")
        sessions, _ = Session.objects.using(database).all().delete()
        fragmenten.bump_all()  # the pages show the restored data, not what was kept
        self.stdout.write(f"Back-up {source} teruggezet in '{name}'.")
        self.stdout.write(
            f"Alle sessies beëindigd ({sessions}): iedereen meldt zich opnieuw aan. "
            "De publieke pagina's tonen de teruggezette gegevens binnen "
            f"{settings.PUBLIC_CACHE_SECONDS} seconden."
        )
