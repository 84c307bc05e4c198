"""The catalog going out: the Merchant product feed and the local inventory feed read back with the
csv module and defusedxml, and the public store pages over a real server on 127.0.0.1, their
JSON-LD parsed as JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from api.conftest import API_KEY, _product, build_mini_shop
from api.live import serve
from defusedxml import ElementTree
from fakes import ScriptedAssistant

from agent.server.app import create_app
from agent.settings import Settings
from tools.catalog.exports import selection
from tools.catalog.exports.local_inventory import export_local_inventory
from tools.catalog.exports.products_feed import export_products
from tools.catalog.exports.writers import GOOGLE_NS, ExportError
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import Inventory, Product, Variant
from tools.db.shop import Shop, open_shop
from tools.stock.reservations import reserve_in_store

HOSTILE = "</script><script>alert(1)</script> Camicia bianca"
SHIRT = "TST-SHT-0003"
BASE = "https://negozio.example"


def add_hostile_shirt(shop: Shop) -> None:
    """A shirt whose title a hostile feed wrote, in INT sizes: out of stock online, one M in Milan."""
    now = datetime.now(UTC)
    with session_scope(shop.engine) as session:
        shirt = _product(SHIRT, "shirt", "white")
        shirt.title_it, shirt.price = HOSTILE, Decimal("59.90")
        session.add(shirt)
        session.flush()
        for size, online, milan in (("M", 0, 1), ("L", 0, 0)):
            session.add(Variant(id=f"{SHIRT}-{size}", product_id=shirt.id, size=size, size_system="INT"))
            session.flush()
            session.add(Inventory(variant_id=f"{SHIRT}-{size}", location="online", quantity=online,
                                  reserved=0, updated_at=now))
            session.add(Inventory(variant_id=f"{SHIRT}-{size}", location="MI01", quantity=milan,
                                  reserved=0, updated_at=now))


@pytest.fixture
def small_shop(tmp_path: Path) -> Shop:
    """The API tests' small shop (2 stores, 2 products in IT sizes) plus the hostile shirt, in the
    data folder's default database so the `sarto` command finds it."""
    shop = build_mini_shop(tmp_path, sqlite_url(tmp_path))
    add_hostile_shirt(shop)
    return shop


def hold(shop: Shop, variant_id: str, quantity: int, now: datetime | None = None, minutes: int = 60) -> None:
    result = reserve_in_store(shop, "S-LOYAL-1", "MI01", [(variant_id, quantity)], idempotency_key=None,
                              thread_id=f"t-{variant_id}", now=now or datetime.now(UTC), hold_minutes=minutes)
    assert result.status == "held", result.detail


def stock_rows(shop: Shop) -> dict[tuple[str, str], tuple[int, int]]:
    with session_scope(shop.engine) as session:
        return {(r.location, r.variant_id): (r.quantity, r.reserved) for r in session.query(Inventory)}


def tsv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def xml_rows(text: str) -> list[dict[str, str]]:
    root = ElementTree.fromstring(text.encode())
    assert root.tag == "rss" and root.get("version") == "2.0"
    prefix = f"{{{GOOGLE_NS}}}"
    return [{child.tag.removeprefix(prefix): child.text or "" for child in item}
            for item in root.findall("channel/item")]


def read_feed(text: str, fmt: str) -> list[dict[str, str]]:
    return tsv_rows(text) if fmt == "tsv" else xml_rows(text)


def local_feed(shop: Shop, fmt: str = "tsv") -> list[dict[str, str]]:
    out = io.StringIO()
    export_local_inventory(shop, out, fmt)  # type: ignore[arg-type]
    return read_feed(out.getvalue(), fmt)


def products_feed(shop: Shop, fmt: str = "tsv", **options: Any) -> list[dict[str, str]]:
    out = io.StringIO()
    export_products(shop, out, fmt, base_url=BASE, **options)  # type: ignore[arg-type]
    return read_feed(out.getvalue(), fmt)


# --- the local inventory feed ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["tsv", "xml"])
def test_local_quantities_are_stock_minus_held_reservations(small_shop: Shop, fmt: str) -> None:
    hold(small_shop, "TST-BLZ-0001-50", 1)
    hold(small_shop, "TST-TRS-0002-48", 2)
    rows = {(r["store_code"], r["id"]): r for r in local_feed(small_shop, fmt)}
    stock = stock_rows(small_shop)
    assert stock[("MI01", "TST-BLZ-0001-50")] == (2, 1)  # the hold really is in the records
    for (store, variant), row in rows.items():
        quantity, reserved = stock[(store, variant)]
        assert int(row["quantity"]) == max(0, quantity - reserved)
    assert rows[("MI01", "TST-BLZ-0001-50")]["availability"] == "limited_availability"
    sold = rows[("MI01", "TST-TRS-0002-48")]
    assert sold["quantity"] == "0" and sold["availability"] == "out_of_stock" and not sold.get("pickup_sla")


def test_local_feed_has_store_rows_only_with_pickup_by_reservation(small_shop: Shop) -> None:
    rows = local_feed(small_shop)
    stores = {code for (code, _variant) in stock_rows(small_shop) if code != "online"}
    assert rows and {r["store_code"] for r in rows} <= stores
    assert len(rows) == sum(1 for (code, _v) in stock_rows(small_shop) if code != "online")
    free = [r for r in rows if int(r["quantity"]) > 0]
    assert {(r["pickup_method"], r["pickup_sla"]) for r in free} == {("reserve", "same_day")}
    assert {r["price"] for r in rows if r["id"].startswith("TST-BLZ")} == {"120.00 EUR"}


def test_local_feed_tsv_and_xml_say_the_same(small_shop: Shop) -> None:
    hold(small_shop, "TST-BLZ-0001-52", 2)
    tsv = local_feed(small_shop, "tsv")
    xml = local_feed(small_shop, "xml")
    assert [{k: v for k, v in r.items() if v} for r in tsv] == xml


def test_sarto_export_local_inventory_releases_expired_holds_first(small_shop: Shop, tmp_path: Path) -> None:
    hold(small_shop, "TST-BLZ-0001-48", 2, now=datetime.now(UTC) - timedelta(hours=2), minutes=30)
    out = tmp_path / "local_inventory.tsv"
    result = sarto(["export", "local-inventory", "--out", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {(r["store_code"], r["id"]): r for r in tsv_rows(out.read_text())}
    assert rows[("MI01", "TST-BLZ-0001-48")]["quantity"] == "2"  # the hold ran out: both units are free again


# --- the product feed ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["tsv", "xml"])
def test_every_variant_appears_once_with_the_records_price(small_shop: Shop, fmt: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selection, "PAGE_SIZE", 3)  # several keyset pages, boundaries inside a product
    rows = products_feed(small_shop, fmt)
    with session_scope(small_shop.engine) as session:
        variants = {v.id: v.product.sku for v in session.query(Variant)}
        prices = {p.sku: p.price for p in session.query(Product)}
    assert sorted(r["id"] for r in rows) == sorted(variants)
    for row in rows:
        assert row["item_group_id"] == variants[row["id"]]
        amount, currency = row["price"].split(" ")
        assert Decimal(amount) == prices[row["item_group_id"]] and currency == "EUR"


def test_product_rows_carry_what_merchant_center_needs(small_shop: Shop) -> None:
    rows = {r["id"]: r for r in products_feed(small_shop)}
    jacket = rows["TST-BLZ-0001-50"]
    assert jacket["link"] == f"{BASE}/products/TST-BLZ-0001"
    assert jacket["image_link"] == f"{BASE}/images/TST-BLZ-0001.svg"
    assert (jacket["availability"], jacket["price"], jacket["sale_price"]) == ("in_stock", "120.00 EUR", "")
    assert (jacket["gender"], jacket["age_group"]) == ("male", "adult")
    assert jacket["product_type"] == "Uomo > Giacche"
    assert (jacket["size"], jacket["size_system"], jacket["color"]) == ("50", "IT", "blu navy")
    assert jacket["material"] == "lana" and jacket["condition"] == "new"
    assert jacket["google_product_category"].startswith("Apparel & Accessories > Clothing")
    shirt = rows[f"{SHIRT}-M"]
    assert shirt["availability"] == "out_of_stock"  # none online, even though Milan has one
    assert shirt["size"] == "M" and shirt["size_system"] == ""  # letter sizes name no Google system
    assert shirt["title"] == HOSTILE  # the feed carries the title as it is; pages escape it


def test_english_feed_has_english_titles_and_labels(small_shop: Shop) -> None:
    jacket = next(r for r in products_feed(small_shop, "xml", language="en") if r["id"] == "TST-BLZ-0001-48")
    assert jacket["title"] == "navy blazer"
    assert (jacket["product_type"], jacket["color"], jacket["material"]) == ("Men > Blazers", "navy", "wool")


@pytest.mark.parametrize("fmt", ["tsv", "xml"])
def test_exported_feeds_read_back_through_the_importers_parser(small_shop: Shop, tmp_path: Path,
                                                                fmt: str) -> None:
    feeds = pytest.importorskip("tools.catalog.feeds")  # part A of issue 11; runs once it is merged
    hold(small_shop, "TST-BLZ-0001-50", 1)
    catalog, local = tmp_path / f"catalog.{fmt}", tmp_path / f"local.{fmt}"
    export_products(small_shop, catalog, fmt)  # type: ignore[arg-type]
    read = list(feeds.read_products(catalog, max_bytes=1_000_000))
    assert [r for r in read if isinstance(r, feeds.FeedProblem)] == []
    variants = {v.id: v for v in read}
    assert len(variants) == 8
    shirt = variants[f"{SHIRT}-M"]
    assert (shirt.title, shirt.item_group_id, shirt.price) == (HOSTILE, SHIRT, Decimal("59.90"))
    assert (shirt.availability, shirt.size, shirt.size_system) == ("out_of_stock", "M", None)
    assert (shirt.gender, shirt.color, shirt.currency) == ("male", "bianco", "EUR")
    if fmt == "tsv":  # Google's local inventory feed is tab-separated only
        export_local_inventory(small_shop, local, fmt)
        stock = {(s.store_code, s.id): s for s in feeds.read_stock(local, max_bytes=1_000_000)}
        assert stock[("MI01", "TST-BLZ-0001-50")].quantity == 1


def test_an_empty_catalog_is_refused_with_a_message(tmp_path: Path) -> None:
    empty = open_shop(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    with pytest.raises(ExportError, match="no products"):
        export_products(empty, tmp_path / "feed.tsv")
    assert not (tmp_path / "feed.tsv").exists()


def test_a_failed_export_leaves_the_previous_feed_in_place(small_shop: Shop, tmp_path: Path) -> None:
    out = tmp_path / "feed.tsv"
    out.write_text("the last good feed\n")

    def crash(done: int, total: int) -> None:
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        export_products(small_shop, out, progress=crash)
    assert out.read_text() == "the last good feed\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".feed")) == []


def sarto(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SARTO_DATA_DIR": str(data_dir)}
    env.pop("SARTO_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=Path(__file__).resolve().parent.parent)


def test_sarto_export_products_writes_the_feed_and_reports_rows(small_shop: Shop, tmp_path: Path) -> None:
    out = tmp_path / "catalog.xml"
    result = sarto(["export", "products", "--out", str(out), "--format", "xml", "--base-url", BASE], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "8 rows written" in result.stderr and result.stdout == ""
    assert len(xml_rows(out.read_text())) == 8


@pytest.mark.parametrize(("args", "says"), [
    (["export", "products", "--out", "{dir}/not-a-folder.txt/feed.tsv"], "does not exist"),
    (["export", "local-inventory", "--out", "{dir}/feed.tsv", "--format", "csv"], "--format"),
    (["export", "products", "--out", "{dir}/feed.tsv", "--language", "fr"], "--language"),
])
def test_bad_export_input_exits_2_with_a_message(small_shop: Shop, tmp_path: Path, args: list[str],
                                                 says: str) -> None:
    (tmp_path / "not-a-folder.txt").write_text("a file, not a folder")
    result = sarto([a.format(dir=tmp_path) for a in args], tmp_path)
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr


def test_exporting_an_empty_catalog_exits_2(tmp_path: Path) -> None:
    result = sarto(["export", "products", "--out", str(tmp_path / "feed.tsv")], tmp_path)
    assert result.returncode == 2 and "no products" in result.stderr and "Traceback" not in result.stderr


# --- the store pages -----------------------------------------------------------------------------

class PageScripts(HTMLParser):
    """The page's <script> elements: (attributes, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append((dict(attrs), ""))
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self._in == "title":
            self.title += data


def page(html: str) -> PageScripts:
    parsed = PageScripts()
    parsed.feed(html)
    return parsed


def json_ld(html: str) -> dict[str, Any]:
    blocks = [text for attrs, text in page(html).scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])  # type: ignore[no-any-return]


def offers(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {offer["itemOffered"]["sku"]: offer
            for section in data["hasOfferCatalog"]["itemListElement"] for offer in section["itemListElement"]}


@pytest.fixture
def store_server(small_shop: Shop, tmp_path: Path) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path, api_key=API_KEY,
                        token_secret="store-pages-secret-0123456789abcdef")
    with serve(create_app(settings, assistant=ScriptedAssistant(), shop=small_shop)) as base_url:
        yield base_url


def test_store_page_has_the_store_and_its_offers_as_json_ld(store_server: str) -> None:
    r = httpx.get(f"{store_server}/stores/MI01")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    data = json_ld(r.text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Store"
    assert data["name"] == "Sarto Milano Duomo" and data["telephone"] == "+39 02 000"
    assert data["address"] == {"@type": "PostalAddress", "streetAddress": "Via Dante 1",
                               "addressLocality": "Milano"}
    assert (data["geo"]["latitude"], data["geo"]["longitude"]) == (45.4642, 9.19)
    days = {spec["dayOfWeek"].rsplit("/", 1)[1]: (spec["opens"], spec["closes"])
            for spec in data["openingHoursSpecification"]}
    assert days["Monday"] == ("10:00", "19:30") and "Sunday" not in days  # closed on Sundays
    found = offers(data)
    assert set(found) == {"TST-BLZ-0001", "TST-TRS-0002", SHIRT}
    jacket = found["TST-BLZ-0001"]
    assert jacket["availability"] == "https://schema.org/InStock"  # 6 units over three sizes
    assert (Decimal(jacket["price"]), jacket["priceCurrency"]) == (Decimal("120.00"), "EUR")
    assert jacket["availableAtOrFrom"]["@id"] == data["@id"]
    shirt = found[SHIRT]
    assert shirt["availability"] == "https://schema.org/LimitedAvailability"  # the last M
    assert Decimal(shirt["price"]) == Decimal("59.90")


def test_store_page_is_written_for_a_search_in_its_city(store_server: str) -> None:
    html = httpx.get(f"{store_server}/stores/MI01").text
    title = page(html).title
    assert "Milano" in title and "Giacche" in title and "uomo" in title
    assert '<link rel="canonical"' in html and 'name="description"' in html
    assert 'href="/?store=MI01"' in html  # into the chat, the store chosen
    assert any(attrs.get("data-store") == "MI01" for attrs, _ in page(html).scripts)


def test_a_hostile_product_title_is_text_not_markup(store_server: str) -> None:
    html = httpx.get(f"{store_server}/stores/MI01").text
    assert "<script>alert(1)" not in html and "</script><script>" not in html
    scripts = page(html).scripts
    kinds = [attrs.get("type") or attrs.get("src") for attrs, _ in scripts]
    assert kinds == ["application/ld+json", "/widget.js"]
    assert offers(json_ld(html))[SHIRT]["itemOffered"]["name"] == HOSTILE  # the data still says it exactly
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; Camicia bianca" in html


def test_store_page_follows_reservations(small_shop: Shop, store_server: str) -> None:
    hold(small_shop, f"{SHIRT}-M", 1)  # the last shirt in Milan
    found = offers(json_ld(httpx.get(f"{store_server}/stores/MI01").text))
    assert SHIRT not in found and "TST-BLZ-0001" in found


def test_store_without_stock_still_has_its_page(store_server: str) -> None:
    r = httpx.get(f"{store_server}/stores/RM01")
    assert r.status_code == 200 and "Roma" in page(r.text).title
    assert offers(json_ld(r.text)) == {}


def test_unknown_store_gets_the_storefronts_404_page(store_server: str) -> None:
    for code in ("XX99", "x" * 300, "MI01%3Cscript%3E"):
        r = httpx.get(f"{store_server}/stores/{code}")
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "Pagina non trovata" in r.text and "<script>" not in r.text.split("</h1>")[1]


def test_store_index_links_every_store(store_server: str) -> None:
    r = httpx.get(f"{store_server}/stores")
    assert r.status_code == 200
    assert 'href="/stores/MI01"' in r.text and 'href="/stores/RM01"' in r.text
    assert "Milano" in page(r.text).title and "Roma" in page(r.text).title
