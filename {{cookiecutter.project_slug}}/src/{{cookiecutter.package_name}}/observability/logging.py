"""Logging through structlog: JSON lines in production, readable lines in development.

Everything goes through one handler on the root logger, so the app's own events and those
of libraries (uvicorn, httpx, SQLAlchemy) come out in the same format, each a JSON object
a log shipper can parse. In development the same events are printed as aligned, coloured
lines instead: people read those, machines read the JSON (LOG_FORMAT chooses).
"""

import logging
import sys
from typing import Literal

import structlog
from structlog.typing import Processor

LogFormat = Literal["json", "console"]
# uvicorn installs its own handlers: routed through ours instead. Its access log is
# switched off because `RequestLogMiddleware` writes a richer line for every request.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error")
_ACCESS_LOGGER = "uvicorn.access"


class _StderrHandler(logging.Handler):
    """Writes to whatever `sys.stderr` is when a record comes (test runners swap it); its
    class also marks the handler this module installed, so reconfiguring replaces only it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging must never break the app; report as logging does
            self.handleError(record)


def configure_logging(level: str, log_format: LogFormat) -> None:
    """Route stdlib and structlog logging to stderr in one format; safe to call again."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,  # library records get the same fields
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger(_ACCESS_LOGGER).disabled = True
