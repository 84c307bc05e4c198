"""Import jobs are rows, not process memory: any worker can answer "how is my import doing?", and
a job whose process died is seen as such (`fail_orphans` at start-up)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select, update

from tools.db.engine import session_scope
from tools.db.models import ImportJob

PROBLEMS_KEPT = 500


def create_job(engine: Engine, kind: str, mode: str, filename: str, dry_run: bool) -> str:
    job_id = str(uuid.uuid4())
    with session_scope(engine) as s:
        s.add(ImportJob(id=job_id, kind=kind, mode=mode, state="queued", filename=filename[:300],
                        dry_run=dry_run, progress=0.0, counts={}, problems=[],
                        created_at=datetime.now(UTC)))
    return job_id


def start_job(engine: Engine, job_id: str) -> None:
    with session_scope(engine) as s:
        s.execute(update(ImportJob).where(ImportJob.id == job_id)
                  .values(state="running", started_at=datetime.now(UTC)))


def set_progress(engine: Engine, job_id: str, progress: float) -> None:
    with session_scope(engine) as s:
        s.execute(update(ImportJob).where(ImportJob.id == job_id)
                  .values(progress=round(min(1.0, max(0.0, progress)), 3)))


def finish_job(engine: Engine, job_id: str, *, succeeded: bool, counts: dict[str, Any],
               problems: list[dict[str, Any]], error: str | None, report_path: str | None) -> None:
    with session_scope(engine) as s:
        values: dict[str, Any] = {"state": "succeeded" if succeeded else "failed", "counts": counts,
                                  "problems": problems[:PROBLEMS_KEPT], "error": error,
                                  "report_path": report_path, "finished_at": datetime.now(UTC)}
        if succeeded:
            values["progress"] = 1.0
        s.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


def get_job(engine: Engine, job_id: str) -> dict[str, Any] | None:
    with session_scope(engine) as s:
        job = s.get(ImportJob, job_id)
        if job is None:
            return None
        return {c.key: getattr(job, c.key) for c in ImportJob.__table__.columns}


def fail_orphans(engine: Engine) -> int:
    """Jobs left queued or running by a process that is gone (called when a server starts)."""
    with session_scope(engine) as s:
        result = s.execute(update(ImportJob).where(ImportJob.state.in_(("queued", "running")))
                           .values(state="failed", error="interrupted: the server stopped during "
                                                         "the import; nothing was applied",
                                   finished_at=datetime.now(UTC)))
        return int(result.rowcount)  # type: ignore[attr-defined]


def catalog_version(engine: Engine) -> Any:
    """Changes whenever an import changed the catalog (a cheap query for other processes to poll)."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(ImportJob.finished_at))
                            .where(ImportJob.state == "succeeded", ImportJob.dry_run.is_(False))).scalar()
