"""structlog configured for JSON lines, with the request id bound through contextvars; the
standard-library records of the libraries we run under (uvicorn) become JSON lines too."""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

# uvicorn logs through the standard library where it listens ("Uvicorn running on
# http://127.0.0.1:8000") and why it could not start; without a handler those would be lost.
LIBRARY_LOGGERS = ("uvicorn",)


class _AsJsonLine(logging.Handler):
    """A standard-library log record, written as one of our JSON lines."""

    def emit(self, record: logging.LogRecord) -> None:
        failure = {"exc_info": record.exc_info} if record.exc_info else {}
        structlog.get_logger().log(
            record.levelno, record.getMessage(), logger=record.name, **failure
        )


_as_json_line = _AsJsonLine()


def configure_logging(level: str = "info") -> None:
    numeric_level = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        library.setLevel(numeric_level)
        library.propagate = False
        if _as_json_line not in library.handlers:
            library.addHandler(_as_json_line)
