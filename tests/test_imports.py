"""Bring your own catalog: the example feeds a retailer publishes, imported through `sarto import`
into a fresh data folder, then searched and dressed from — and what a bad feed does (nothing)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from agent.cli import app
from catalog_seed import examples_dir
from tools.catalog.search import search_products
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import ImportJob, Inventory, Product, Store, Variant
from tools.db.shop import Shop, open_shop
from tools.imports.run import run_import
from tools.shapes import SearchFilters

EXAMPLES = examples_dir()
pytestmark = pytest.mark.slow  # each test imports and embeds a catalog of its own


def sarto(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def counts(shop: Shop) -> dict[str, int]:
    with session_scope(shop.engine) as s:
        return {name: s.scalar(select(func.count()).select_from(model)) or 0
                for name, model in (("products", Product), ("variants", Variant), ("stores", Store),
                                    ("stock", Inventory))}


@pytest.fixture
def imported_shop(tmp_path: Path) -> Iterator[tuple[Shop, Path]]:
    """A fresh data folder with the example shop imported: stores, products (Merchant XML), stock."""
    data = tmp_path / "data"
    for kind, name in (("stores", "stores.csv"), ("products", "merchant.xml"),
                       ("inventory", "local_inventory.tsv")):
        result = sarto("import", kind, EXAMPLES / name, "--data-dir", data)
        assert result.exit_code == 0, result.output
    yield open_shop(sqlite_url(data), data), data


def test_the_example_feeds_import_and_the_stylist_dresses_from_them(imported_shop: tuple[Shop, Path]) -> None:
    from agent.assistant import Assistant
    from agent.events import TurnRequest
    from agent.settings import Settings

    shop, data = imported_shop
    n = counts(shop)
    assert n["products"] >= 10 and n["stores"] == 3 and n["stock"] > n["variants"]
    with session_scope(shop.engine) as s:
        feed_skus = set(s.scalars(select(Product.sku)))
        blazer = s.scalars(select(Product).where(Product.category == "blazer",
                                                 Product.department == "menswear")).first()
        assert blazer is not None and blazer.origin == "feed"
        assert blazer.attribute_sources["category"] == "feed"
        # the feed says no occasion or formality: enrichment reads them, and says it only read them
        assert blazer.formality is not None and blazer.occasions
        assert blazer.attribute_sources["formality"] == "rules"
        assert 0 < blazer.attribute_confidence["formality"] < 1
    found = search_products(shop, "giacca blu uomo", SearchFilters(department="menswear"))
    assert found.hits and {h.sku for h in found.hits} <= feed_skus

    assistant = Assistant.open(Settings(data_dir=data), shop)
    result = assistant.run(TurnRequest(shopper_id="imp-1", thread_id="imp-t1", language="it",
                                       message="Ho un colloquio di lavoro, uomo, taglia 50, budget 700 euro"))
    # the feed says nothing of formality or occasions: what enrichment read lets its jackets,
    # trousers and shirts dress the look, and nothing comes from outside the feed
    outfit = next(c for c in result.cards if c.type == "sarto.outfit")
    assert {"jacket", "trousers"} <= {i.slot for i in outfit.items}
    assert {i.sku for i in outfit.items} <= feed_skus and outfit.total.amount <= 700
    with session_scope(shop.engine) as s:
        prices = dict(s.execute(select(Product.sku, Product.price)).tuples().all())
    assert all(i.price.amount == prices[i.sku] for i in outfit.items)
    assert result.text.strip() and "None" not in result.text


def test_tsv_and_xml_of_the_same_feed_give_the_same_catalog(tmp_path: Path) -> None:
    catalogs = []
    for name in ("merchant.xml", "merchant.tsv"):
        data = tmp_path / name
        assert sarto("import", "products", EXAMPLES / name, "--data-dir", data).exit_code == 0
        shop = open_shop(sqlite_url(data), data)
        with session_scope(shop.engine) as s:
            catalogs.append({p.sku: (p.price, p.category, p.department, tuple(p.colours or ()),
                                     tuple(sorted(v.size for v in p.variants)))
                             for p in s.scalars(select(Product))})
    assert catalogs[0] == catalogs[1] and catalogs[0]


@pytest.mark.parametrize(("name", "extra"), [("shopify.csv", ()),
                                             ("products.jsonl", ("--mapping", "mapping.toml"))])
def test_shopify_and_mapped_feeds_import(tmp_path: Path, name: str, extra: tuple[str, ...]) -> None:
    args: list[str | Path] = ["import", "products", EXAMPLES / name, "--data-dir", tmp_path]
    if extra:
        args += [extra[0], EXAMPLES / extra[1]]
    result = sarto(*args)
    assert result.exit_code == 0, result.output
    shop = open_shop(sqlite_url(tmp_path), tmp_path)
    with session_scope(shop.engine) as s:
        products = list(s.scalars(select(Product)))
    assert products and all(p.price > 0 and p.variants for p in products)
    assert any(p.category is not None for p in products)


def test_reimporting_an_unchanged_feed_changes_and_embeds_nothing(imported_shop: tuple[Shop, Path]) -> None:
    shop, _ = imported_shop
    before = counts(shop)
    again = run_import(shop, "products", EXAMPLES / "merchant.xml")
    assert again.ok, again.error
    assert again.counts["created"] == 0 and again.counts["updated"] == 0
    assert again.counts["unchanged"] == before["products"]
    from tools.catalog.index import catalog_index

    assert catalog_index(shop).sync(progress=False).embedded == 0
    assert counts(shop) == before


def _feed_without_first_item(tmp_path: Path) -> tuple[Path, str]:
    lines = (EXAMPLES / "merchant.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    group_col = header.index("item_group_id")
    first_group = lines[1].split("\t")[group_col]
    kept = [lines[0]] + [ln for ln in lines[1:] if ln.split("\t")[group_col] != first_group]
    out = tmp_path / "smaller.tsv"
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return out, first_group


def test_incremental_keeps_what_the_feed_omits_and_full_retires_it(imported_shop: tuple[Shop, Path],
                                                                   tmp_path: Path) -> None:
    shop, _ = imported_shop
    smaller, gone = _feed_without_first_item(tmp_path)
    assert run_import(shop, "products", smaller, mode="incremental").ok
    with session_scope(shop.engine) as s:
        assert s.scalar(select(Product.retired).where(Product.sku == gone)) is False
    full = run_import(shop, "products", smaller, mode="full")
    assert full.ok and full.counts["retired"] == 1
    with session_scope(shop.engine) as s:
        retired = s.scalars(select(Product).where(Product.sku == gone)).one()
        assert retired.retired and retired.variants  # kept for past orders and reservations
        title = retired.title_it
    hits = search_products(shop, title, SearchFilters()).hits
    assert gone not in {h.sku for h in hits}  # hidden from search at once, no restart
    from tools.catalog.exports.products_feed import export_products

    export_products(shop, tmp_path / "out.tsv", "tsv")
    exported = (tmp_path / "out.tsv").read_text(encoding="utf-8")
    assert f"\t{gone}\t" not in exported  # the retired product left the Merchant feed
    assert exported.count("\n") == smaller.read_text(encoding="utf-8").count("\n")  # the rest did not


def test_a_feed_with_too_many_bad_rows_changes_nothing(imported_shop: tuple[Shop, Path],
                                                       tmp_path: Path) -> None:
    shop, data = imported_shop
    before = counts(shop)
    lines = (EXAMPLES / "merchant.tsv").read_text(encoding="utf-8").splitlines()
    price_col = lines[0].split("\t").index("price")
    bad = [lines[0]]
    for i, line in enumerate(lines[1:]):
        cells = line.split("\t")
        if i % 2 == 0:
            cells[price_col] = "abc"
        else:
            cells[price_col] = "1.00 EUR"  # the good half would change every price
        bad.append("\t".join(cells))
    feed = tmp_path / "bad.tsv"
    feed.write_text("\n".join(bad) + "\n", encoding="utf-8")
    result = sarto("import", "products", feed, "--data-dir", data)
    assert result.exit_code == 2 and "nothing was imported" in result.output
    assert "Traceback" not in result.output
    assert counts(shop) == before
    with session_scope(shop.engine) as s:
        assert s.scalar(select(func.min(Product.price))) > 1
        job = s.scalars(select(ImportJob).order_by(ImportJob.created_at.desc())).first()
        assert job is not None and job.state == "failed" and job.problems
        assert any(p["field"] == "price" and "abc" in p["reason"] for p in job.problems)


def test_a_failure_while_writing_rolls_the_whole_import_back(imported_shop: tuple[Shop, Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    shop, _ = imported_shop
    from tools.imports import apply

    before = counts(shop)
    with session_scope(shop.engine) as s:
        prices = dict(s.execute(select(Product.sku, Product.price)).tuples().all())
    real = apply._bulk
    calls = {"n": 0}

    def dies_halfway(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] > 3:  # products and variants written, then the disk fills
            raise OSError("disk full")
        real(*args, **kwargs)

    monkeypatch.setattr(apply, "_bulk", dies_halfway)
    cheaper = (EXAMPLES / "merchant.tsv").read_text(encoding="utf-8").replace(" EUR", "0 EUR")
    feed = shop.data_dir / "changed.tsv"
    feed.write_text(cheaper, encoding="utf-8")
    result = run_import(shop, "products", feed)
    assert not result.ok and "nothing was applied" in (result.error or "")
    with session_scope(shop.engine) as s:
        assert dict(s.execute(select(Product.sku, Product.price)).tuples().all()) == prices
    assert counts(shop) == before


def test_stock_rows_for_unknown_stores_or_variants_are_reported(imported_shop: tuple[Shop, Path],
                                                                tmp_path: Path) -> None:
    shop, _ = imported_shop
    lines = (EXAMPLES / "local_inventory.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    row = dict(zip(header, lines[1].split("\t"), strict=True))
    ghost_store = {**row, "store_code": "ZZ99"}
    ghost_variant = {**row, "id": "NO-SUCH-VARIANT"}
    feed = tmp_path / "inv.tsv"
    feed.write_text("\n".join([lines[0], *lines[1:],
                               "\t".join(ghost_store[h] for h in header),
                               "\t".join(ghost_variant[h] for h in header)]) + "\n", encoding="utf-8")
    result = run_import(shop, "inventory", feed, max_rejected=0.5)
    assert result.ok
    reasons = {p["field"]: p["reason"] for p in result.problems}
    assert "unknown store 'ZZ99'" in reasons["store_code"] and "NO-SUCH-VARIANT" in reasons["id"]
    assert result.counts["rejected"] == 2


def test_the_quality_report_names_what_the_feed_lacks(imported_shop: tuple[Shop, Path],
                                                      tmp_path: Path) -> None:
    import json

    shop, data = imported_shop
    lines = (EXAMPLES / "merchant.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    cells = dict(zip(header, lines[1].split("\t"), strict=True))
    odd = {**cells, "id": "ODD-1", "item_group_id": "ODD", "title": "GIACCA IN OFFERTA SPECIALE",
           "color": "", "gender": "", "image_link": "not-a-link", "product_type": "Varie",
           "google_product_category": ""}
    feed = tmp_path / "odd.tsv"
    feed.write_text("\n".join([lines[0], "\t".join(odd[h] for h in header)]) + "\n", encoding="utf-8")
    assert run_import(shop, "products", feed).ok
    out = tmp_path / "report"
    result = sarto("quality", "--out", out, "--data-dir", data)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))["catalog"]
    assert "ODD" in report["titles"]["all_caps"]["examples"]
    assert "ODD" in report["merchant_apparel_missing"]["gender"]["examples"]
    images = report["image_links"]  # the parser drops a link that is not a URL (with a warning)
    assert "ODD" in images["malformed"]["examples"] + images["missing"]["examples"]
    assert report["coverage"]["department"] < 1.0
    # how sure each attribute is: the feed's own colours are certain, derived formality is not
    sure = report["confidence"]
    assert sure["colours"]["sources"].get("feed") and sure["colours"]["mean_confidence"] > 0.9
    assert set(sure["formality"]["sources"]) <= {"rules", "model"} and sure["formality"]["known"] >= 10
    assert 0 < sure["formality"]["mean_confidence"] < 1
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "Attribute coverage" in html and "How sure the attributes are" in html


@pytest.mark.parametrize(("content", "message"), [
    (b"<rss><channel><item><g:id>1</item></rss>", "xml"),
    (b"id,title,price\n1,Giacca,10 EUR\n", "csv"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss>&e;</rss>', "entit"),
    ("id\ttitle\tprice\nX1\tGiacca \xe8 bella\t10 EUR\n".encode("latin-1"), "utf-8"),
])
def test_bad_files_exit_2_with_a_message_and_change_nothing(imported_shop: tuple[Shop, Path], tmp_path: Path,
                                                            content: bytes, message: str) -> None:
    shop, data = imported_shop
    before = counts(shop)
    feed = tmp_path / ("feed.xml" if content.lstrip().startswith(b"<") else "feed.tsv")
    feed.write_bytes(content)
    result = sarto("import", "products", feed, "--data-dir", data)
    assert result.exit_code == 2, result.output
    assert message in result.output.lower() and "Traceback" not in result.output
    assert counts(shop) == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(imported_shop: tuple[Shop, Path],
                                                             tmp_path: Path) -> None:
    _, data = imported_shop
    big = tmp_path / "big.tsv"
    shutil.copy(EXAMPLES / "merchant.tsv", big)
    with big.open("a", encoding="utf-8") as f:
        f.write("#" * (1024 * 1024 + 10) + "\n")
    result = sarto("import", "products", big, "--data-dir", data, "--max-mb", "1")
    assert (result.exit_code == 2 and "MB" in result.output) or "bytes" in result.output


def test_a_dry_run_reports_what_would_change_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = sarto("import", "products", EXAMPLES / "merchant.xml", "--dry-run", "--data-dir", data)
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "created" in result.output
    shop = open_shop(sqlite_url(data), data)
    assert counts(shop)["products"] == 0
    with session_scope(shop.engine) as s:
        job = s.scalars(select(ImportJob)).one()
        assert job.dry_run and job.state == "succeeded" and job.counts["created"] > 0


@pytest.mark.postgres
def test_the_example_feeds_import_into_postgresql(tmp_path: Path) -> None:
    from pg import fresh_database

    with fresh_database() as url:
        shop = open_shop(url, tmp_path)
        for kind, name in (("stores", "stores.csv"), ("products", "merchant.tsv"),
                           ("inventory", "local_inventory.tsv")):
            result = run_import(shop, kind, EXAMPLES / name)  # type: ignore[arg-type]
            assert result.ok, result.error
        again = run_import(shop, "products", EXAMPLES / "merchant.xml")
        assert again.ok and again.counts["created"] == 0 and again.counts["updated"] == 0
        hits = search_products(shop, "scarpe uomo", SearchFilters(department="menswear")).hits
        assert hits and all(h.price.amount > 0 for h in hits)
        assert counts(shop)["stores"] == 3


def test_a_feed_in_another_currency_is_refused_rather_than_shown_as_euros(tmp_path: Path) -> None:
    dollars = (EXAMPLES / "merchant.tsv").read_text(encoding="utf-8").replace(" EUR", " USD")
    feed = tmp_path / "usd.tsv"
    feed.write_text(dollars, encoding="utf-8")
    result = sarto("import", "products", feed, "--data-dir", tmp_path / "data")
    assert result.exit_code == 2 and "price in USD: this shop sells in EUR" in result.output
    assert counts(open_shop(sqlite_url(tmp_path / "data"), tmp_path / "data"))["products"] == 0


def test_english_paths_and_plurals_name_the_category(tmp_path: Path) -> None:
    from tools.catalog.feeds.rows import FeedVariant
    from tools.imports.drafts import category_of, department_of

    def row(title: str, path: str, gender: str | None) -> FeedVariant:
        return FeedVariant.model_validate({
            "line": 2, "id": "X-1", "item_group_id": "X", "title": title, "description": None, "link": None,
            "image_link": None, "availability": "in_stock", "price": "25.00", "currency": "EUR",
            "sale_price": None, "brand": None, "gtin": None, "mpn": None, "condition": None,
            "google_product_category": "Apparel & Accessories > Clothing", "product_type": path,
            "gender": gender, "age_group": "adult", "color": "Black", "size": "M", "size_system": None,
            "size_type": None, "material": None, "pattern": None, "quantity": None})

    tee = row("Logo tee", "Men > T-Shirts", "male")
    assert department_of(tee) == "menswear" and category_of(tee, "menswear") == "tshirt"
    blazer = row("Slim fit blazer", "Women > Jackets & Coats > Blazers", None)
    assert department_of(blazer) == "womenswear" and category_of(blazer, "womenswear") == "blazer"
