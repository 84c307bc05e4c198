"""The one tool table: both planners, the graph and the HTTP routes read the same rows."""

from __future__ import annotations

from typing import Any

from agent.planning.llm import tool_specs
from agent.server.app import create_app
from agent.settings import Settings
from tools.table import TOOLS, validate_args


def test_every_tool_has_a_description_for_the_model_and_arguments_that_validate() -> None:
    for name, tool in TOOLS.items():
        assert len(tool.description) > 20, name
        assert tool.args.model_json_schema()["type"] == "object"
        assert callable(tool.run) and callable(tool.function)
    assert isinstance(validate_args("check_availability", {"sku": "SRT-BLZ-000001"}),
                      TOOLS["check_availability"].args)
    assert "unknown tool" in str(validate_args("drop_tables", {}))
    assert "bad arguments for find_budget_alternatives" in str(validate_args("find_budget_alternatives", {}))


def test_the_llm_planner_offers_exactly_the_table_with_its_descriptions() -> None:
    specs = {s["function"]["name"]: s["function"] for s in tool_specs()}
    assert set(specs) == set(TOOLS)
    for name, spec in specs.items():
        assert spec["description"] == TOOLS[name].description
        assert set(spec["parameters"].get("properties", {})) == set(TOOLS[name].args.model_fields)


def test_tools_served_over_http_have_their_route_and_the_same_description(tmp_path: Any) -> None:
    spec = create_app(Settings(data_dir=tmp_path)).openapi()
    served = [t for t in TOOLS.values() if t.route]
    assert {t.name for t in served} >= {"search_products", "check_availability", "find_nearby_stores"}
    for tool in served:
        method, path = tool.route.split(" ")  # type: ignore[union-attr]
        operation = spec["paths"][path][method.lower()]
        assert operation["description"].startswith(tool.description), tool.name
