"""The optional LLM pass (only with `SARTO_LLM_MODEL`): products the rules and the model left
unknown or unsure are sent in batches to the configured model, which may only answer with the
shop's own values — anything else is dropped. Answers are cached by the product's content hash,
so re-importing an unchanged feed asks the model nothing.

The model is reached through `Ask`, a function the application passes in (agent.planning's model
factory builds it): tools never talk to a provider themselves.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.enrichment.enrich import enrich
from tools.enrichment.values import Enrichment
from tools.taxonomy import CATEGORIES, FITS, OCCASIONS, SEASONS, STYLES

log = logging.getLogger(__name__)

Ask = Callable[[str, str], str]  # (system prompt, user prompt) -> the model's text answer
PROMPT_VERSION = "enrich-v1"
BATCH = 20
LLM_SURE = 0.75  # an LLM answer replaces rule readings less sure than this
ASKED = ("category", "occasions", "formality", "seasons", "fit", "style")
_SHOWN = ("title", "description", "product_type", "google_product_category", "tags", "material",
          "department")
SYSTEM = ("You label the products of a fashion shop for its stylist. Use only the allowed values. "
          "Leave out any attribute you cannot tell from the product's own words. Answer with JSON only.")


@dataclass(frozen=True)
class Labeller:
    """The configured model, as the import reaches it."""

    ask: Ask
    model: str


class AnswerCache:
    """Answers by content hash, in one JSON file of the shop's data folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._answers: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._answers = {}

    def get(self, key: str) -> dict[str, Any] | None:
        return self._answers.get(key)

    def put(self, answers: dict[str, dict[str, Any]]) -> None:
        with self._lock:
            self._answers.update(answers)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._answers, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)


def content_key(fields: dict[str, Any], model: str) -> str:
    shown = {k: fields.get(k) for k in _SHOWN}
    text = json.dumps([PROMPT_VERSION, model, shown], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def needs_asking(found: Enrichment) -> bool:
    return any(found.values.get(a) is None or (found.values[a].source == "rules"
                                                 and found.confidence(a) < LLM_SURE) for a in ASKED)


def prompt(batch: Sequence[tuple[str, dict[str, Any]]]) -> str:
    allowed = {"category": list(CATEGORIES), "occasions": list(OCCASIONS),
               "formality": "1 (sporty) .. 5 (black tie)", "seasons": list(SEASONS), "fit": list(FITS),
               "style": list(STYLES)}
    products = [{"id": key, **{k: fields.get(k) for k in _SHOWN if fields.get(k)}} for key, fields in batch]
    return json.dumps({"allowed_values": allowed, "products": products,
                       "answer_format": {"products": [{"id": "...", "category": "...", "occasions": ["..."],
                                                       "formality": 3, "seasons": ["..."], "fit": "...",
                                                       "style": "..."}]}}, ensure_ascii=False)


def valid(answer: dict[str, Any], department: str | None) -> dict[str, Any]:
    """The answer's values that are the shop's own; the rest is dropped (never guessed into a key)."""
    out: dict[str, Any] = {}
    category = answer.get("category")
    if isinstance(category, str) and category in CATEGORIES and (
            department is None or department in CATEGORIES[category].departments):
        out["category"] = category
    for name, allowed in (("occasions", OCCASIONS), ("seasons", SEASONS)):
        values = answer.get(name)
        if isinstance(values, list):
            keys = [v for v in dict.fromkeys(values) if isinstance(v, str) and v in allowed]
            if keys:
                out[name] = keys
    formality = answer.get("formality")
    if isinstance(formality, int) and not isinstance(formality, bool) and 1 <= formality <= 5:
        out["formality"] = formality
    for name, choices in (("fit", FITS), ("style", STYLES)):
        value = answer.get(name)
        if isinstance(value, str) and value in choices:
            out[name] = value
    return out


def _parse(text: str) -> dict[str, dict[str, Any]]:
    start, end = text.find("{"), text.rfind("}")
    try:
        data = json.loads(text[start:end + 1]) if start >= 0 else {}
    except ValueError:
        return {}
    products = data.get("products") if isinstance(data, dict) else None
    return {str(p["id"]): p for p in products or () if isinstance(p, dict) and "id" in p}


def apply_answer(fields: dict[str, Any], found: Enrichment, answer: dict[str, Any]) -> Enrichment:
    """The enrichment with the model's valid values in place of unknown or unsure ones."""
    answer = valid(answer, found.get("department"))
    if "category" in answer and found.get("category") is None:  # derive what follows from it
        found = enrich(**(fields | {"category": answer["category"]}))
        found.put("category", answer["category"], "llm", LLM_SURE)
    for name in ASKED:
        if name in answer and (found.values.get(name) is None or (
                found.values[name].source == "rules" and found.confidence(name) < LLM_SURE)):
            found.put(name, answer[name], "llm", LLM_SURE)
    return found


def llm_pass(items: Sequence[tuple[str, dict[str, Any], Enrichment]], ask: Ask, model: str,
             cache: AnswerCache) -> tuple[list[Enrichment], int]:
    """Every item's enrichment after the LLM pass, and how many batches were sent. A batch the
    model fails (error, timeout, not JSON) keeps its rule values: the import never waits on it."""
    out = [found for _, _, found in items]
    todo: list[tuple[int, str]] = []
    for i, (_, fields, found) in enumerate(items):
        if needs_asking(found):
            key = content_key(fields, model)
            cached = cache.get(key)
            if cached is not None:
                out[i] = apply_answer(fields, found, cached)
            else:
                todo.append((i, key))
    sent = 0
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        try:
            text = ask(SYSTEM, prompt([(key, items[i][1]) for i, key in batch]))
            sent += 1
        except Exception as exc:  # a model that is down leaves the rules' values, and says so
            log.warning("LLM enrichment batch failed (%s): keeping the rules' values", type(exc).__name__)
            continue
        answers = _parse(text)
        cache.put({key: answers[key] for _, key in batch if key in answers})
        for i, key in batch:
            if key in answers:
                out[i] = apply_answer(items[i][1], out[i], answers[key])
    return out, sent
