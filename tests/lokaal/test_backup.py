"""A backup restored into an empty database holds every row again."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tests import url_catalogue as catalogue

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _row_counts(count) -> dict[str, int]:
    return {m._meta.db_table: count(m._meta.db_table) for m in apps.get_models()}


def _restore(database_url: str, backup: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup), "--yes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_restore_into_an_empty_database_finds_every_row(coach, tmp_path):
    catalogue.build_world(coach)
    backup = tmp_path / "portaal.backup"
    call_command("backup", str(backup))

    def count_here(table):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - model tables
            return cursor.fetchone()[0]

    expected = _row_counts(count_here)
    assert expected["trajecten_traject"] >= 9 and expected["workshops_bijlage"] == 2

    if connection.vendor == "sqlite":
        target = tmp_path / "leeg.sqlite3"
        _restore(f"sqlite:///{target}", backup)
        restored = sqlite3.connect(target)

        def count_there(table):
            return restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608

        assert _row_counts(count_there) == expected
        restored.close()
        return

    import psycopg

    settings_dict = connection.settings_dict
    empty = f"{settings_dict['NAME']}_restore"
    base = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{empty}"')
        admin.execute(f'CREATE DATABASE "{empty}"')
    try:
        _restore(f"{base}/{empty}", backup)
        with psycopg.connect(f"{base}/{empty}") as restored:

            def count_there(table):
                return restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608

            assert _row_counts(count_there) == expected
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("restore", str(tmp_path / "geen.backup"), "--yes")


def test_a_session_logged_out_after_the_backup_stays_out_after_restore(coach, client, tmp_path):
    client.force_login(coach)
    assert client.get("/coach/").status_code == 200
    cookie = client.cookies["sessionid"].value
    backup = tmp_path / "portaal.backup"
    call_command("backup", str(backup))
    client.post("/account/logout/")
    out = StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)
    assert "Alle sessies beëindigd" in out.getvalue()
    assert "teruggezette gegevens binnen" in out.getvalue()
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get("/coach/").status_code == 302  # to the login page
