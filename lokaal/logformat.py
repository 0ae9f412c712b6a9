"""How log records are written: a readable line, or one JSON object per line.

`DJANGO_LOG_FORMAT` picks one (lokaal/settings.py). Both keep a record's structured fields, the
`extra` a caller passes (the request line's `status` and `duration_ms`, lokaal/middleware.py):
the line appends them as key=value, the JSON object carries them as its own keys.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime
from typing import Any

# The id of the request being answered (lokaal.middleware.SiteMiddleware sets it).
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default="-"
)


class RequestIdFilter(logging.Filter):
    """Gives every log record the id of the request it was written in (or '-')."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


# What every record has; anything else on a record was passed as `extra`. `request_id` is set
# by the handler's filter on every record, and both formats show it in their own place.
_RECORD_ATTRIBUTES = frozenset(
    logging.LogRecord("", logging.INFO, "", 0, "", (), None).__dict__
) | {"message", "asctime", "request_id"}


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's structured fields, in the order they were passed."""
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _RECORD_ATTRIBUTES and not key.startswith("_")
    }


def _plain(value: Any) -> str:
    """A value for key=value: as is when it reads unambiguously, else quoted as a JSON string."""
    text = str(value)
    if text and not any(c.isspace() or c in '="\\' for c in text):
        return text
    return json.dumps(text)


class LineFormatter(logging.Formatter):
    """The configured line, followed by the record's structured fields as key=value.

    The fields go on the first line, before a traceback, so each stays with its message.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        fields = extra_fields(record)
        if not fields:
            return line
        return line + " " + " ".join(f"{key}={_plain(value)}" for key, value in fields.items())


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line; a traceback is a string inside it."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            entry.setdefault(key, value)  # the record's own keys win over an `extra` namesake
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # Values JSON has no type for (a date, a Decimal, a model) are written as text.
        return json.dumps(entry, default=str)
