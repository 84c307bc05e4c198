"""The assistant as every surface sees it: claim a thread, then stream or run turns on it.

The HTTP server, the CLI and the evals all go through `agent.assistant.Assistant`, so they share
one code path; the server depends only on this protocol (tests give it a scripted assistant).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

from agent.events import RunEvent, TurnRequest
from tools.shapes import TurnResult


class AssistantProtocol(Protocol):
    def claim_thread(self, request: TurnRequest) -> bool:
        """True when the request's thread is new; raises a NotFound (LookupError) when it is another
        shopper's."""
        ...

    def astream(self, request: TurnRequest, new_thread: bool | None = None
                ) -> AsyncIterator[RunEvent | TurnResult]:
        """Yield the run's events as they happen; the last item is the TurnResult. `new_thread` is
        claim_thread's answer when the caller already claimed the thread."""
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
