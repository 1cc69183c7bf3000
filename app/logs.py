"""Structured logs: one JSON object a line, on stderr, for our code and every library.

Configured by the command line (`serve`, `worker`), never at import. People at risk use this
service, so the log carries events, ids, route templates and counts; never a name, an e-mail
address, an IP address, a letter, a query string or an exception's message (a validation
error's message can quote what a person typed). Tracebacks keep their frames, not the text.
"""

import logging
import sys
import traceback
from typing import Literal, TextIO

import structlog
from structlog.types import EventDict, Processor, WrappedLogger

LogFormat = Literal["json", "console"]


def _scrub_exception(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """Replace exc_info by the exception's type and frames: its message may hold a person's data."""
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple) and exc_info[0] is not None:
        exc_type, _exc, tb = exc_info
        event["error_type"] = exc_type.__name__
        event["frames"] = [
            f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(tb)
        ]
    return event


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _scrub_exception,
    ]


def configure(level: str = "info", fmt: LogFormat = "json", stream: TextIO | None = None) -> None:
    """Route structlog and the standard library's logging through one renderer."""
    shared = _shared_processors()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Tests configure more than once; a cached logger would keep the first setup.
        cache_logger_on_first_use=False,
    )
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    _quiet_uvicorn()


def _quiet_uvicorn() -> None:
    # Uvicorn's access logger prints the request line with its query string (?q=Basel) and
    # the client's address; our own access line (app.middleware.request_context) replaces it.
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # httpx logs every URL it calls at info, query strings included (provider APIs);
    # aiohttp (under httpx, see delivery/providers/pool.py) no more than warnings either.
    for name in ("httpx", "httpcore", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # send-core: database drivers log every statement with its parameters at debug (a
    # letter's name, address and text among them), and aiosmtplib/mail libraries the
    # conversation: never below warning, whatever LETTERS_LOG_LEVEL says.
    for name in ("aiosqlite", "asyncpg", "sqlalchemy", "aiosmtplib", "mail.log"):
        logging.getLogger(name).setLevel(logging.WARNING)
    quiet_pdf_library()


def quiet_pdf_library() -> None:
    """The PDF library logs each font table it subsets, ~75 lines a PDF at info, the glyphs
    a letter uses at debug, and at warning the characters its font lacks, quoted: a
    person's name in Chinese. Only its errors are kept. The server and the printing
    process (app/letters/printer.py) both call this."""
    for name in ("fontTools", "fpdf"):
        logging.getLogger(name).setLevel(logging.ERROR)
