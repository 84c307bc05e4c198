"""The assistant as every surface sees it: open once, then stream or run turns.

The HTTP server, the CLI and the evals all go through `Assistant`, so they share one code path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

from agent.events import RunEvent, TurnRequest
from tools.shapes import TurnResult


class AssistantProtocol(Protocol):
    def astream(self, request: TurnRequest) -> AsyncIterator[RunEvent | TurnResult]:
        """Yield the run's events as they happen; the last item is the TurnResult."""
        ...

    async def arun(self, request: TurnRequest) -> TurnResult:
        """Run a turn to the end and return its result (non-streaming clients)."""
        ...

    def run(self, request: TurnRequest) -> TurnResult:
        """The synchronous form, for the CLI and the evals."""
        ...

    def list_threads(self, shopper_id: str) -> list[dict[str, Any]]:
        """The shopper's conversations: thread_id, title, updated_at (newest first)."""
        ...

    def get_thread(self, shopper_id: str, thread_id: str) -> dict[str, Any] | None:
        """One conversation's messages and cards; None when it is not this shopper's."""
        ...

    def delete_shopper_threads(self, shopper_id: str) -> int:
        """Erase every conversation of a shopper (GDPR); returns how many were removed."""
        ...

    def merge_threads(self, from_shopper_id: str, to_shopper_id: str) -> int:
        """A guest logged in: their conversations now belong to the shopper."""
        ...
