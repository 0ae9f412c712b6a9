"""Log records in both formats keep their structured fields (DJANGO_LOG_FORMAT)."""

import json
import logging
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lokaal.logformat import JsonFormatter, LineFormatter

ROOT = Path(__file__).resolve().parents[2]
LINE = "%(levelname)s %(name)s [%(request_id)s] %(message)s"


def _record(msg="%s %s", args=("GET", "/"), exc_info=None, **extra):
    record = logging.LogRecord("lokaal.request", logging.INFO, __file__, 1, msg, args, exc_info)
    record.request_id = "abc123"
    record.__dict__.update(extra)
    return record


def _exc_info():
    try:
        raise ValueError("kapot")
    except ValueError:
        return sys.exc_info()


def test_line_appends_the_structured_fields_as_key_value():
    line = LineFormatter(LINE).format(_record(status=404, duration_ms=3.2))
    assert line == "INFO lokaal.request [abc123] GET / status=404 duration_ms=3.2"


def test_line_quotes_a_value_that_would_read_ambiguously():
    line = LineFormatter(LINE).format(_record(pad="/a b", leeg="", gelijk="x=y"))
    assert line.endswith(' pad="/a b" leeg="" gelijk="x=y"')


def test_line_without_structured_fields_is_the_plain_line():
    assert LineFormatter(LINE).format(_record()) == "INFO lokaal.request [abc123] GET /"


def test_line_keeps_the_fields_on_the_first_line_before_a_traceback():
    text = LineFormatter(LINE).format(_record(exc_info=_exc_info(), status=500))
    first, *rest = text.splitlines()
    assert first.endswith("GET / status=500")
    assert rest[0].startswith("Traceback") and rest[-1] == "ValueError: kapot"


def test_json_is_one_object_on_one_line_with_the_structured_fields():
    text = JsonFormatter().format(_record(exc_info=_exc_info(), status=500, duration_ms=12.5))
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "lokaal.request"
    assert entry["request_id"] == "abc123"
    assert entry["message"] == "GET /"
    assert entry["status"] == 500
    assert entry["duration_ms"] == 12.5
    assert entry["exception"].endswith("ValueError: kapot")
    assert entry["time"].endswith("+00:00")


def test_json_writes_other_values_as_text_and_keeps_its_own_keys():
    entry = json.loads(
        JsonFormatter().format(_record(datum=date(2026, 1, 2), bedrag=Decimal("1.50"), level="x"))
    )
    assert entry["datum"] == "2026-01-02"
    assert entry["bedrag"] == "1.50"
    assert entry["level"] == "INFO"


def _request_log(log_format: str) -> list[str]:
    """What a fresh process with these settings writes for one request."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lokaal.settings",
        DJANGO_SECRET_KEY="test-key-not-secret",
        DJANGO_SECURE="false",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="DEBUG",
        DJANGO_LOG_FORMAT=log_format,
    )
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/healthz/ping', headers={'x-request-id': 'verzoek-1234'})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return [line for line in result.stdout.splitlines() if "lokaal.request" in line]


def test_the_request_line_in_json_carries_status_and_duration():
    (line,) = _request_log("json")
    entry = json.loads(line)
    assert entry["logger"] == "lokaal.request"
    assert entry["request_id"] == "verzoek-1234"
    assert entry["message"].startswith("GET /healthz/ping 200 ")
    assert entry["status"] == 200
    assert isinstance(entry["duration_ms"], float)


def test_the_request_line_in_text_carries_status_and_duration():
    (line,) = _request_log("text")
    assert "lokaal.request [verzoek-1234] GET /healthz/ping 200 " in line
    assert " status=200 duration_ms=" in line


def test_an_unknown_log_format_stops_start_up():
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _request_log("xml")
    assert "DJANGO_LOG_FORMAT must be text or json" in failed.value.stderr
