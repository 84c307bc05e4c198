"""Loads the response templates and prompts: text files with `{named}` placeholders, no logic."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=4)
def templates(language: str) -> dict[str, str]:
    """`key: text` lines from responses_<language>.txt (Italian when the language is unknown)."""
    name = "en" if language == "en" else "it"
    table: dict[str, str] = {}
    for line in (_HERE / f"responses_{name}.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, text = line.partition(":")
        table[key.strip()] = text.strip()
    return table


def say(language: str, key: str, **values: object) -> str:
    return templates(language)[key].format(**values)


@lru_cache(maxsize=4)
def prompt(name: str) -> str:
    """A whole prompt file, e.g. the LLM planner's system prompt."""
    return (_HERE / f"{name}.txt").read_text(encoding="utf-8")
