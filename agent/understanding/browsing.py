"""What the shopper's browsing says beyond the goal: events sent with the turn put on the shop's
clock, and whether they read like a visual or an analytical shopper (the generative-UI hint)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tools.clock import as_utc

_VISUAL_WORDS = ("lookbook", "video", "foto", "photo", "gallery", "ispirazione", "inspiration", "look")
_ANALYTICAL_WORDS = ("guida alle taglie", "size guide", "tabella taglie", "specifiche", "spec",
                     "confronta", "compare", "comparison", "recensioni", "reviews", "composizione")


def infer_presentation(events: list[dict[str, Any]], requested: str | None) -> str:
    """The client's choice wins; else visual vs analytical browsing; else image-grid."""
    if requested:
        return requested
    visual = analytical = 0
    for event in events:
        text = (event.get("text") or "").lower()
        analytical += any(w in text for w in _ANALYTICAL_WORDS)
        visual += any(w in text for w in _VISUAL_WORDS)
    return "spec-table" if analytical > visual else "image-grid"


def request_events(raw: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Events sent with the turn: `days_ago` becomes a time relative to the explicit now."""
    out = []
    for event in raw:
        at = event.get("at")
        if at is None:
            at = now - timedelta(days=float(event.get("days_ago") or 0))
        elif isinstance(at, str):
            at = datetime.fromisoformat(at)
        out.append({"type": event["type"], "sku": event.get("sku"), "text": event.get("text"),
                    "at": as_utc(at).isoformat()})
    return out
