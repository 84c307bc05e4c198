"""Parse SSE bodies the way a client does (LF framing), for the API tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SseEvent:
    data: str
    id: str | None = None
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def json(self) -> Any:
        return json.loads(self.data)

    @property
    def seq(self) -> int:
        assert self.id is not None
        return int(self.id.rsplit(":", 1)[1])


def parse_sse(body: str) -> list[SseEvent]:
    """Events split on blank lines; `\\r` anywhere is a framing error for the AG-UI JS client."""
    assert "\r" not in body, "SSE must use LF separators"
    events = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        data, event_id, retry, comments = [], None, None, []
        for line in block.split("\n"):
            if line.startswith(":"):
                comments.append(line)
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("retry:"):
                retry = int(line[6:].strip())
        if data:
            events.append(SseEvent("\n".join(data), event_id, retry, comments))
    return events
