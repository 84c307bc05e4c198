"""Optional LLM-as-judge for tone and helpfulness (`sarto eval --judge`). Off by default, reported
apart from the deterministic scorers and never gated: a model's opinion is not a quality bar."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from evals.cases import EvalCase
from tools.shapes import TurnResult

log = logging.getLogger(__name__)

PROMPT = """You grade a fashion shopping assistant's reply for tone and helpfulness only (facts,
prices and stock are checked elsewhere). Shopper wrote: {message!r}
Assistant replied: {reply!r}
It showed {cards} card(s). Answer with JSON only: {{"score": 1-5, "why": "one sentence"}}."""


@dataclass
class LLMJudge:
    base_url: str
    model: str
    api_key: str
    timeout_s: float = 20.0

    @classmethod
    def from_settings(cls, settings: Any) -> LLMJudge:
        if not settings.llm_model or not settings.llm_base_url:
            raise ValueError("--judge needs SARTO_LLM_MODEL and SARTO_LLM_BASE_URL")
        return cls(settings.llm_base_url.rstrip("/"), settings.llm_model, settings.llm_api_key or "none",
                   settings.llm_timeout_s)

    def judge(self, case: EvalCase, turn_index: int, result: TurnResult) -> dict[str, Any]:
        prompt = PROMPT.format(message=case.turns[turn_index].message, reply=result.text,
                               cards=len(result.cards))
        try:
            response = httpx.post(
                f"{self.base_url}/chat/completions", timeout=self.timeout_s,
                headers={"Authorization": f"Bearer {self.api_key}"},
                json={"model": self.model, "temperature": 0,
                      "messages": [{"role": "user", "content": prompt}]})
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"] or ""
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
            log.warning("judge failed on %s: %s", case.id, exc)
            return {"score": None, "why": f"judge unavailable: {exc}"}
        found = re.search(r"\{.*\}", content, re.S)
        try:
            verdict = json.loads(found.group(0)) if found else {}
            score = int(verdict["score"])
        except (ValueError, TypeError, KeyError):
            return {"score": None, "why": f"unparseable judge answer: {content[:120]!r}"}
        return {"score": max(1, min(5, score)), "why": str(verdict.get("why", ""))[:300]}
