"""Operations: liveness/readiness and Prometheus metrics."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import text

from agent.server import readiness
from agent.server.deps import ResourcesDep
from agent.server.metrics import CONTENT_TYPE
from agent.server.openapi import problem_responses
from agent.server.problems import ApiError

router = APIRouter(tags=["ops"])
log = logging.getLogger("sarto.server")


@router.get("/healthz", summary="Liveness and database readiness",
            responses=problem_responses((503, "The database does not answer (`unavailable`).")))
def healthz(resources: ResourcesDep) -> dict[str, object]:
    try:
        with resources.shop().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("health check: database unavailable: %s", exc)
        raise ApiError(503, "unavailable", ("Database non raggiungibile.", "Database unreachable.")) from exc
    return {"status": "ok", "database": "ok", "assistant": resources.assistant_ is not None,
            "runs_in_memory": resources.runs.count()}


class Readiness(BaseModel):
    status: Literal["ready"]
    checks: dict[str, str] = Field(
        description="database: ok; redis: ok or not configured; index: ok, or on demand when the "
                    "app was given its own assistant",
        examples=[{"database": "ok", "redis": "ok", "index": "ok"}])


@router.get("/readyz", response_model=Readiness, summary="Readiness: database, shared Redis, catalog index",
            description="For a load balancer: 200 when this worker can serve. Each check waits at most "
                        "a second.",
            responses=problem_responses((503, "A check failed (`unavailable`); `checks` names it: "
                                              "`unreachable`, `timeout` or, for the index, `not loaded`.")))
async def readyz(resources: ResourcesDep) -> dict[str, object]:
    checks = await readiness.check(resources)
    if not readiness.is_ready(checks):
        failing = ", ".join(name for name, value in checks.items() if value not in readiness.PASSING)
        raise ApiError(503, "unavailable", (f"Non pronto: {failing}.", f"Not ready: {failing}."),
                       checks=checks)
    return {"status": "ready", "checks": checks}


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
def metrics(resources: ResourcesDep) -> PlainTextResponse:
    return PlainTextResponse(resources.metrics.render(), media_type=CONTENT_TYPE)
