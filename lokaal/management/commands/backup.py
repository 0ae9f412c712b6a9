"""Write a backup of the whole database to one file.

PostgreSQL: `pg_dump --format=custom` (restore with `manage.py restore`, or pg_restore).
SQLite: SQLite's online backup API, which copies a consistent snapshot even while the portal
is serving; the result is itself a SQLite database file.
Uploaded files (MEDIA_ROOT or the S3 bucket) are not in it: back those up beside it.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def pg_environment(settings_dict: dict) -> dict:
    """libpq environment variables for the configured database (keeps the password off argv)."""
    env = dict(os.environ)
    for key, var in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")]:
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


def run_pg_tool(arguments: list[str], settings_dict: dict) -> None:
    """Run pg_dump or pg_restore against the configured database; `CommandError` on failure."""
    result = subprocess.run(  # noqa: S603 - fixed programs, arguments are ours
        arguments,
        env=pg_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"{arguments[0]} mislukte: {result.stderr.strip()}")


class Command(BaseCommand):
    help = "Schrijft een back-up van de volledige databank naar één bestand."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Het back-upbestand dat geschreven wordt.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path, database, **options):
        connection = connections[database]
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "postgresql":
            run_pg_tool(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(target)],
                connection.settings_dict,
            )
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            destination = sqlite3.connect(target)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        else:
            raise CommandError(f"Geen back-up voor een {connection.vendor}-databank.")
        size = target.stat().st_size
        self.stdout.write(f"Back-up geschreven naar {target} ({size} bytes).")
