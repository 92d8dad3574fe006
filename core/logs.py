"""Request ids and log formats: one id per request in every log line, plain or JSON lines.

``core.middleware.RequestIdMiddleware`` sets the id of the request being served (the caller's
``X-Request-ID`` when it is a sane token, else a fresh one) in a context variable; ``RequestIdFilter``
copies it onto every log record; ``JsonFormatter`` writes one JSON object per line
(``LOG_FORMAT=json``, the production default). Standard library only: this module is loaded while
logging is configured, before the apps are ready.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

# What is printed when a line is logged outside a request (commands, workers, start-up).
NO_REQUEST_ID = "-"
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("svp_request_id", default=None)

# Extra fields of the access log (``svp.request``) that the JSON formatter keeps as their own keys.
ACCESS_LOG_FIELDS = ("method", "path", "status", "duration_ms")


def request_id_from_header(value: str | None) -> str:
    """The caller's request id if it is a token we can log safely (≤ 64 of ``A-Za-z0-9._-``), else a
    new uuid4 hex — a load balancer's or proxy's id joins our lines to theirs, junk never reaches a log."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request this code runs for, or ``None`` outside a request."""
    return _request_id.get()


def bind_request_id(request_id: str) -> contextvars.Token:
    return _request_id.set(request_id)


def unbind_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request); never drops a record.

    Django logs 4xx/5xx answers (``django.request``) after the middleware has returned, with the request
    in the record: its id is taken from there.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = (
                current_request_id()
                or getattr(getattr(record, "request", None), "request_id", None)
                or NO_REQUEST_ID
            )
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id, the access
    log's fields when present, and the traceback text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id() or NO_REQUEST_ID,
        }
        for field in ACCESS_LOG_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s request_id=%(request_id)s"
LOG_FORMATS = ("plain", "json")


def logging_config(*, log_format: str, log_level: str) -> dict:
    """The ``LOGGING`` setting: everything to standard output, plain or JSON lines, with request ids."""
    if log_format not in LOG_FORMATS:
        # ImproperlyConfigured would need Django here; a ValueError stops start-up just the same.
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {"()": "core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": log_level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }
