"""`POST /v1/catalog/imports` on a real server on 127.0.0.1: the retailer's backend uploads its
feeds, follows the job, and shoppers' searches see the new catalog without a restart — also when
the import ran in another process (`sarto import` beside the server)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.server.app import create_app
from agent.settings import Settings
from api.live import serve
from catalog_seed import examples_dir
from tools.db.engine import sqlite_url
from tools.db.shop import open_shop
from tools.imports.run import run_import

EXAMPLES = examples_dir()
KEY = {"X-API-Key": "imports-api-key-0123456789"}


@pytest.fixture
def live_store(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, api_key=KEY["X-API-Key"], import_max_mb=1,
                        token_secret="imports-secret-0123456789abcdef-0123456789")
    with serve(create_app(settings)) as url:
        yield url, data


def upload(c: httpx.Client, kind: str, path: Path, **form: str) -> httpx.Response:
    with path.open("rb") as f:
        return c.post("/v1/catalog/imports", headers=KEY, data={"kind": kind, **form},
                      files={"file": (path.name, f, "application/octet-stream")})


def wait(c: httpx.Client, job: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = c.get(job["links"]["self"], headers=KEY)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        if body["state"] in ("succeeded", "failed"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def search(c: httpx.Client, q: str) -> set[str]:
    r = c.get("/v1/catalog/search", params={"q": q, "limit": 50})
    assert r.status_code == 200, r.text
    return {h["sku"] for h in r.json()["hits"]}


def test_the_backend_imports_its_feeds_and_shoppers_see_them_at_once(live_store: tuple[str, Path]) -> None:
    url, data = live_store
    with httpx.Client(base_url=url, timeout=60) as c:
        assert c.post("/v1/catalog/imports", data={"kind": "stores"},
                      files={"file": ("s.csv", b"x", "text/csv")}).status_code == 401
        before = search(c, "giacca uomo")
        for kind, name in (("stores", "stores.csv"), ("products", "merchant.xml"),
                           ("inventory", "local_inventory.tsv")):
            r = upload(c, kind, EXAMPLES / name)
            assert r.status_code == 202, r.text
            assert r.json()["state"] in ("queued", "running", "succeeded")
            done = wait(c, r.json())
            assert done["state"] == "succeeded", done
            assert done["counts"]["created"] > 0 and done["progress"] == 1.0
        report = c.get(done["links"]["report"], headers=KEY)
        assert report.status_code == 200 and "Catalog quality" in report.text
        after = search(c, "giacca uomo")
        assert after - before, "the imported jackets are not searchable without a restart"

        # another process imports a changed feed: the server sees it on its next poll
        other = open_shop(sqlite_url(data), data)
        feed = data / "extra.tsv"
        lines = (EXAMPLES / "merchant.tsv").read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        cells = dict(zip(header, lines[1].split("\t"), strict=True))
        cells.update(id="ZEBRA-1", item_group_id="ZEBRA", title="Cappotto zebrato uomo in lana")
        feed.write_text("\n".join([lines[0], "\t".join(cells[h] for h in header)]) + "\n", encoding="utf-8")
        assert run_import(other, "products", feed).ok
        deadline = time.monotonic() + 15
        while "ZEBRA" not in search(c, "cappotto zebrato"):
            assert time.monotonic() < deadline, "a change made by another process never reached search"
            time.sleep(0.5)


def test_bad_uploads_get_clear_answers(live_store: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = live_store
    big = tmp_path / "big.tsv"
    big.write_bytes(b"id\ttitle\n" + b"x" * (1024 * 1024 + 1))
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<rss><channel><item></rss>")
    with httpx.Client(base_url=url, timeout=60) as c:
        r = upload(c, "products", big)
        assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")
        r = upload(c, "catalog", broken)
        assert r.status_code == 422 and r.json()["code"] == "validation_error"
        r = upload(c, "products", broken)
        assert r.status_code == 202
        failed = wait(c, r.json())
        assert failed["state"] == "failed" and "xml" in failed["error"].lower()
        unknown = "/v1/catalog/imports/00000000-0000-0000-0000-000000000000"
        assert c.get(unknown, headers=KEY).status_code == 404
        assert c.get("/v1/catalog/imports/../../etc", headers=KEY).status_code == 404
