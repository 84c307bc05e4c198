"""The house's shape, checked on the real import graph: no module of agent/ or tools/ reaches
itself again through its imports — counting imports inside functions and under TYPE_CHECKING,
which import-linter's sibling contract does not see module by module."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import grimp
import pytest


def module_cycles(graph: grimp.ImportGraph, packages: tuple[str, ...]) -> list[list[str]]:
    """Every strongly connected group of modules (Tarjan), plus modules that import themselves."""
    inside = sorted(m for m in graph.modules if m.split(".")[0] in packages)
    edges = {m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i in set(inside))
             for m in inside}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # recursive: the graph is a few hundred modules deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in edges[node]:
                found.append(sorted(group))

    for module in inside:
        if module not in index:
            visit(module)
    return found


def test_agent_and_tools_have_no_import_cycles() -> None:
    graph = grimp.build_graph("agent", "tools", exclude_type_checking_imports=False)
    # the graph holds imports made inside functions (the CLI imports the server only when serving)
    assert graph.direct_import_exists(importer="agent.cli.shop", imported="agent.server.app")
    assert module_cycles(graph, ("agent", "tools")) == []


@pytest.mark.parametrize("how", ["inside a function", "under TYPE_CHECKING"])
def test_the_cycle_check_catches_hidden_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                how: str) -> None:
    package = tmp_path / "house"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from house import b\n")
    hidden = ("def later():\n    from house import a\n" if how == "inside a function" else
              "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from house import a\n")
    (package / "b.py").write_text(textwrap.dedent(hidden))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("house", None)
    graph = grimp.build_graph("house", exclude_type_checking_imports=False, cache_dir=None)
    assert module_cycles(graph, ("house",)) == [["house.a", "house.b"]]


def test_understanding_the_shopper_loads_neither_the_database_nor_the_model() -> None:
    """The contract holds at run time too: `tools` loads lazily, so reading a message does not
    import SQLAlchemy, LangGraph or the embedding runtime."""
    import subprocess

    code = ("import sys; import agent.understanding.goals, agent.understanding.constraints, "
            "agent.understanding.intents, agent.understanding.language, agent.understanding.browsing; "
            "print(sorted(m for m in ('sqlalchemy', 'langgraph', 'onnxruntime', 'chromadb', 'torch') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
