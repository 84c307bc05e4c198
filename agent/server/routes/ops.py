"""Operations: liveness/readiness and Prometheus metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import text

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


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
def metrics(resources: ResourcesDep) -> PlainTextResponse:
    return PlainTextResponse(resources.metrics.render(), media_type=CONTENT_TYPE)
