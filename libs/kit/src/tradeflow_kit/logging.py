"""Structured logging: structlog for our code, the stdlib loggers (uvicorn, aiokafka) routed
through the same renderer, and per-request/per-message context from contextvars."""

import logging
import sys

import structlog

_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
]


def configure_logging(service: str, fmt: str = "console", level: str = "INFO") -> None:
    """Send every log line of the process to stdout, JSON in production, readable locally.

    `service` is bound to every line so that mixed logs (as `make run` prints them) stay clear.
    """
    renderer = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stdout.isatty())
    )
    add_service = _bind_static(service=service)
    structlog.configure(
        processors=[*_SHARED, add_service, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED, add_service],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # FastStream logs every message received and processed; our processor logs what matters.
    for noisy in ("aiokafka", "kafka", "uvicorn.access", "faststream"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error", "faststream"):  # through our handler, not theirs
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def _bind_static(**fields: str):
    def processor(_logger, _name, event_dict):
        for key, value in fields.items():
            event_dict.setdefault(key, value)
        return event_dict

    return processor


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
