"""Catalog imports over HTTP for the retailer's backend: upload a feed, get a job, watch it.

The upload streams to the data folder under the size limit; the import runs in a worker thread
with the same code as `sarto import`, and its state lives in the `import_jobs` table.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse

from agent.planning.model_factory import build_labeller
from agent.server.deps import ApiKeyDep, SettingsDep, ShopDep
from agent.server.edge import unusable_text
from agent.server.openapi import problem_responses
from agent.server.problems import ApiError, not_found
from tools.imports import jobs
from tools.imports.run import run_import

router = APIRouter(tags=["catalog import"])
_CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_JOB_ID = re.compile(r"^[0-9a-f-]{36}$")
# a form field cannot be null: "auto" sniffs the format from the file
FeedFormat = Literal["auto", "merchant-xml", "merchant-tsv", "shopify", "csv", "jsonl"]
_background: set[asyncio.Task[Any]] = set()  # keep a reference so a running import is not collected


def _job_view(job: dict[str, Any], request: Request) -> dict[str, Any]:
    base = str(request.url_for("get_import", job_id=job["id"]))
    view = {k: job[k] for k in ("id", "kind", "mode", "state", "filename", "dry_run", "progress", "counts",
                                "error", "created_at", "started_at", "finished_at")}
    view["problems"] = (job.get("problems") or [])[:100]
    view["problem_count"] = len(job.get("problems") or [])
    view["links"] = {"self": base, "report": base + "/report" if job.get("report_path") else None}
    return view


@router.post("/v1/catalog/imports", status_code=202, name="create_import",
             summary="Upload a feed (products, stores or inventory) and start importing it",
             description="Multipart upload (`file`). Answers 202 with the job at once; poll "
                         "`GET /v1/catalog/imports/{id}` for state, progress, counts and problems. "
                         "A file over `SARTO_IMPORT_MAX_MB` is refused (413); a file that cannot be "
                         "imported (empty, malformed, too many bad rows) is a job that fails, with why.",
             responses=problem_responses(401, (413, "The file is over `SARTO_IMPORT_MAX_MB` "
                                                    "(`payload_too_large`)."), 422))
async def create_import(
    request: Request, _key: ApiKeyDep, shop: ShopDep, settings: SettingsDep,
    file: Annotated[UploadFile, File(description="the feed file")],
    kind: Annotated[Literal["products", "stores", "inventory"], Form()],
    mode: Annotated[Literal["incremental", "full"], Form()] = "incremental",
    # in a multipart form every value is text: exactly "true" or "false", not 0/1/yes
    dry_run: Annotated[Literal["true", "false"], Form()] = "false",
    format: Annotated[FeedFormat, Form()] = "auto",
) -> dict[str, Any]:
    # the edge streams uploads through unread, so the form's own text is checked here
    form = await request.form()
    if any(unusable_text(key) or (isinstance(value, str) and unusable_text(value))
           for key, value in form.multi_items()):
        raise ApiError(422, "validation_error", ("Il modulo contiene un byte NUL o testo non valido.",
                                                 "The form holds a NUL byte or invalid Unicode."))
    checking = dry_run == "true"
    limit = int(settings.import_max_mb * 1024 * 1024)
    name = _SAFE_NAME.sub("_", Path(file.filename or "feed").name)[-120:] or "feed"
    job_id = jobs.create_job(shop.engine, kind, mode, name, checking)
    folder = shop.data_dir / "imports" / job_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    size = 0
    with target.open("wb") as out:
        while chunk := await file.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                jobs.finish_job(shop.engine, job_id, succeeded=False, counts={}, problems=[],
                                error=f"the file is over {settings.import_max_mb:g} MB", report_path=None)
                raise ApiError(413, "payload_too_large", (f"Il file supera {settings.import_max_mb:g} MB.",
                                                          f"The file is over {settings.import_max_mb:g} MB."))
            out.write(chunk)
    task = asyncio.create_task(asyncio.to_thread(
        run_import, shop, kind, target, mode=mode, dry_run=checking,
        fmt=None if format == "auto" else format, max_bytes=limit,
        job_id=job_id, labeller=build_labeller(settings)))
    _background.add(task)
    task.add_done_callback(_background.discard)
    job = jobs.get_job(shop.engine, job_id)
    assert job is not None
    return _job_view(job, request)


@router.get("/v1/catalog/imports/{job_id}", name="get_import",
            summary="An import job: state, progress, counts", responses=problem_responses(401, 404))
async def get_import(job_id: str, request: Request, _key: ApiKeyDep, shop: ShopDep) -> dict[str, Any]:
    job = jobs.get_job(shop.engine, job_id) if _JOB_ID.match(job_id) else None
    if job is None:
        raise not_found("import")
    return _job_view(job, request)


@router.get("/v1/catalog/imports/{job_id}/report", summary="The import's data-quality report (HTML)",
            response_class=FileResponse, responses={**problem_responses(401, 404),
                                                    200: {"content": {"text/html": {}}}})
async def get_import_report(job_id: str, _key: ApiKeyDep, shop: ShopDep) -> FileResponse:
    job = jobs.get_job(shop.engine, job_id) if _JOB_ID.match(job_id) else None
    if job is None or not job.get("report_path"):
        raise not_found("report")
    path = Path(job["report_path"]) / "report.html"
    if not path.is_file():
        raise not_found("report")
    return FileResponse(path, media_type="text/html; charset=utf-8")
