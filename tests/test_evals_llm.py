"""The same suite on the LLM planner (a scripted OpenAI-compatible server on 127.0.0.1), and the
optional LLM-as-judge kept apart from the deterministic verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openai_fake import echo, http_error, serve_openai_fake, text, tool_call
from typer.testing import CliRunner

from agent.cli import app
from evals.cases import load_cases, select_suite
from evals.judge import LLMJudge
from evals.runner import run_cases


def test_the_llm_planner_runs_through_the_suite_and_the_judge_is_reported_apart(
        shop: Any, tmp_path: Path) -> None:
    from langgraph.checkpoint.memory import InMemorySaver

    from agent.assistant import Assistant
    from agent.settings import Settings

    cases = select_suite(load_cases(), "id:ji-it-01")
    with serve_openai_fake() as model, serve_openai_fake() as judge_server:
        model.script.extend([tool_call("assemble_outfit", goal="job_interview"), text("Ecco il look."),
                             http_error(500), http_error(500)])
        judge_server.script.append(echo(lambda body: '{"score": 4, "why": "clear and polite"}'))
        settings = Settings(llm_model="test-model", llm_base_url=model.base_url, llm_timeout_s=2.0,
                            data_dir=tmp_path)
        assistant = Assistant.open(settings, shop, checkpointer=InMemorySaver())
        judge = LLMJudge(judge_server.base_url, "judge-model", "test", 2.0)
        run = run_cases(shop, assistant, cases, tmp_path / "out", suite="id", planner="llm", workers=1,
                        judge=judge)
        assert model.requests, "the LLM planner never called the model"

    turn = run.records[0]["turns"][0]
    assert [c["name"] for c in turn["result"]["tool_calls"]][:1] == ["assemble_outfit"]
    assert turn["judge"] == {"score": 4, "why": "clear and polite"}
    assert "judge" not in {v["scorer"] for v in turn["verdicts"]}
    assert {v["scorer"] for v in turn["verdicts"]} >= {"grounding", "budget_adherence", "goal_accuracy"}
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["planner"] == "llm" and summary["run"]["judge"] is True
    assert "LLM judge (optional, not gated)" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--planner", "llm"], "SARTO_LLM_MODEL"),
    (["--planner", "clever"], "--planner must be"),
    (["--suite", "everything"], "unknown suite"),
    ([], "run `sarto seed` first"),
])
def test_bad_eval_options_exit_2_with_a_reason(args: list[str], message: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.settings import get_settings

    monkeypatch.setenv("SARTO_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["eval", "--out", str(tmp_path / "o"), "--no-progress", *args])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert message in result.output
