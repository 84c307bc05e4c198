"""Where a node's run events go while it runs.

The assistant passes a callback in the run's config (`EMIT_KEY`); `timed` (agent/graph.py) makes it
the current writer for the node's duration. Events then leave the moment a node writes them,
without LangGraph's "custom" stream mode — which runs every node on a pool thread while the
caller's thread waits, two thread hand-offs per step under one GIL. Without the callback (the
graph run directly with stream_mode="custom") LangGraph's own stream writer is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from langgraph.config import get_stream_writer
from langgraph.types import RunnableConfig

EMIT_KEY = "sarto_emit"  # not a str/int/float, so LangGraph keeps it out of checkpoint metadata

Writer = Callable[[Any], None]
_current: ContextVar[Writer | None] = ContextVar("sarto_event_writer", default=None)


def writer() -> Writer:
    """The current node's event writer."""
    current = _current.get()
    return current if current is not None else get_stream_writer()


@contextmanager
def writing_for(config: RunnableConfig) -> Iterator[Writer]:
    emit = (config.get("configurable") or {}).get(EMIT_KEY) or get_stream_writer()
    token = _current.set(emit)
    try:
        yield emit
    finally:
        _current.reset(token)
