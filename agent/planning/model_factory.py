"""The chat model for the optional LLM planner: the only module that imports `langchain_openai`.

Any OpenAI-compatible endpoint works (OpenAI, vLLM, llama.cpp, Ollama). The base URL is always
passed explicitly because `OPENAI_BASE_URL` in the environment would otherwise win silently.
"""

from __future__ import annotations

import os
from typing import Any

from agent.settings import Settings

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
KEYLESS = "not-needed"  # local servers (Ollama, llama.cpp) ignore the key but the client wants one


def resolved_endpoint(settings: Settings) -> tuple[str, str]:
    """(base_url, api_key): SARTO_LLM_* first, then OPENAI_*, then OpenAI itself and a dummy key."""
    base_url = settings.llm_base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_DEFAULT_BASE_URL
    api_key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or KEYLESS
    return base_url.rstrip("/"), api_key


def build_chat_model(settings: Settings) -> Any:
    """A deterministic, non-retrying ChatOpenAI on the chat-completions API.

    Retries are off because the graph falls back to the deterministic planner at once: a retry
    would only make the shopper wait longer for the same answer.
    """
    from langchain_openai import ChatOpenAI

    if not settings.llm_model:
        raise ValueError("SARTO_LLM_MODEL is not set")
    base_url, api_key = resolved_endpoint(settings)
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=base_url,
        api_key=api_key,  # type: ignore[arg-type]
        use_responses_api=False,
        stream_usage=False,
        max_retries=0,
        timeout=settings.llm_timeout_s,
        temperature=0,
    )


def build_labeller(settings: Settings) -> Any:
    """The configured model as catalog enrichment asks it (tools.enrichment.llm.Labeller), or
    None when no model is configured: enrichment then stops at the rules and MiniLM."""
    if not settings.llm_model:
        return None
    from langchain_core.messages import HumanMessage, SystemMessage

    from tools.enrichment.llm import Labeller

    model = build_chat_model(settings)

    def ask(system: str, user: str) -> str:
        answer = model.invoke([SystemMessage(system), HumanMessage(user)])
        return str(answer.content)

    return Labeller(ask=ask, model=settings.llm_model)
