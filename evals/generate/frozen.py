"""What every scenario generator shares: the frozen split rule and the file it writes."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any


def split_of(case_id: str) -> str:
    """crc32 of the id, ~36% held out: a case's split never depends on the rules or the run."""
    return "heldout" if zlib.crc32(case_id.encode()) % 100 < 36 else "dev"


def write_cases(out: Path, cases: list[dict[str, Any]], what: str) -> None:
    """One case per line, ids unique; says how many and how many are held out."""
    assert len({c["id"] for c in cases}) == len(cases), "duplicate ids"
    lines = ",\n".join(json.dumps(c, ensure_ascii=False) for c in cases)
    out.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    held = sum(c["split"] == "heldout" for c in cases)
    print(f"{len(cases)} {what} ({held} held out) -> {out}")
