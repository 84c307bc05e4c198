"""Reading a retailer's feeds: every shipped example parses end to end with consistent ids, and
each format (Merchant XML/TSV, Shopify, mapped CSV/JSONL, local inventory, stores) yields the rows
a retailer would expect. Bad and hostile input is in test_feeds_safety.py."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

import catalog_seed
from tools.catalog.feeds import (
    FeedError,
    FeedProblem,
    FeedStock,
    FeedStore,
    FeedVariant,
    read_products,
    read_stock,
    read_stores,
    sniff_format,
)

EXAMPLES = Path(catalog_seed.__file__).parent / "examples"
MB = 1_000_000
G = 'xmlns:g="http://base.google.com/ns/1.0"'


def _variants(rows: list) -> list[FeedVariant]:
    return [r for r in rows if isinstance(r, FeedVariant)]


def _problems(rows: list) -> list[FeedProblem]:
    return [r for r in rows if isinstance(r, FeedProblem)]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _tsv(*rows: list[str]) -> str:
    return "".join("\t".join(r) + "\n" for r in rows)


# --- the shipped examples ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "mapping", "expected"), [
    ("merchant.xml", None, 33), ("merchant.tsv", None, 33), ("shopify.csv", None, 8),
    ("products.jsonl", "mapping.toml", 10)])
def test_every_example_product_feed_parses_cleanly(name: str, mapping: str | None, expected: int) -> None:
    rows = list(read_products(EXAMPLES / name, mapping=EXAMPLES / mapping if mapping else None,
                              max_bytes=MB))
    assert _problems(rows) == []
    assert len(_variants(rows)) == expected


def test_merchant_xml_and_tsv_examples_are_the_same_catalog() -> None:
    xml = _variants(list(read_products(EXAMPLES / "merchant.xml", max_bytes=MB)))
    tsv = _variants(list(read_products(EXAMPLES / "merchant.tsv", max_bytes=MB)))
    assert [v.model_dump(exclude={"line"}) for v in xml] == [v.model_dump(exclude={"line"}) for v in tsv]


def test_examples_agree_on_variant_ids_and_store_codes() -> None:
    merchant = {v.id for v in _variants(list(read_products(EXAMPLES / "merchant.tsv", max_bytes=MB)))}
    shopify = {v.id for v in _variants(list(read_products(EXAMPLES / "shopify.csv", max_bytes=MB)))}
    generic = {v.id for v in _variants(list(read_products(
        EXAMPLES / "products.jsonl", mapping=EXAMPLES / "mapping.toml", max_bytes=MB)))}
    stock = list(read_stock(EXAMPLES / "local_inventory.tsv", max_bytes=MB))
    stores = list(read_stores(EXAMPLES / "stores.csv", max_bytes=MB))
    assert all(isinstance(s, FeedStock) for s in stock) and all(isinstance(s, FeedStore) for s in stores)
    assert shopify <= merchant and generic <= merchant
    assert {s.id for s in stock} <= merchant
    assert {s.store_code for s in stock} == {s.store_code for s in stores}
    assert {s.city for s in stores} == {"Milano", "Roma", "Napoli"}


def test_example_catalog_dresses_men_and_women_in_several_sizes() -> None:
    variants = _variants(list(read_products(EXAMPLES / "merchant.xml", max_bytes=MB)))
    groups: dict[str, set[str]] = {}
    for v in variants:
        groups.setdefault(v.product_type or "", set()).add(v.item_group_id or "")
    assert len(groups["Uomo > Giacche"]) >= 2 and len(groups["Uomo > Scarpe"]) >= 2
    assert {"Donna > Abiti", "Donna > Gonne", "Donna > Scarpe"} <= set(groups)
    assert {v.gender for v in variants} == {"male", "female"}
    assert any(v.sale_price for v in variants)
    sizes = {v.item_group_id: set() for v in variants}
    for v in variants:
        sizes[v.item_group_id].add(v.size)
    assert sum(len(s) > 1 for s in sizes.values()) >= 10


@pytest.mark.parametrize(("name", "expected"), [
    ("merchant.xml", "merchant-xml"), ("merchant.tsv", "merchant-tsv"), ("shopify.csv", "shopify")])
def test_the_product_format_is_recognised_from_the_file(name: str, expected: str) -> None:
    assert sniff_format(EXAMPLES / name, max_bytes=MB) == expected


def test_a_jsonl_catalog_without_a_mapping_asks_for_one() -> None:
    with pytest.raises(FeedError, match="mapping"):
        list(read_products(EXAMPLES / "products.jsonl", max_bytes=MB))


# --- Merchant ------------------------------------------------------------------------------------

def test_merchant_tsv_accepts_g_prefixes_and_googles_human_column_names(tmp_path: Path) -> None:
    path = _write(tmp_path, "feed.txt", _tsv(
        ["g:id", "Title", "Price", "Image link", "Item group ID", "colour", "Sale price"],
        ["J-48", "Giacca", "249.00 EUR", "https://shop.example/j.jpg", "J", "blu", "199.00 EUR"]))
    [variant] = list(read_products(path, max_bytes=MB))
    assert isinstance(variant, FeedVariant)
    assert (variant.id, variant.image_link, variant.item_group_id, variant.color, variant.sale_price) == (
        "J-48", "https://shop.example/j.jpg", "J", "blu", Decimal("199.00"))


@pytest.mark.parametrize(("written", "amount", "currency"), [
    ("89.90 EUR", "89.90", "EUR"), ("EUR 89.90", "89.90", "EUR"), ("89,90 EUR", "89.90", "EUR"),
    ("€ 1.234,50", "1234.50", "EUR"), ("1,234.50 USD", "1234.50", "USD"), ("89 eur", "89.00", "EUR"),
    ("89.90", "89.90", "EUR")])
def test_prices_are_read_as_retailers_write_them(tmp_path: Path, written: str, amount: str,
                                                 currency: str) -> None:
    path = _write(tmp_path, "feed.tsv", _tsv(["id", "title", "price"], ["A1", "Camicia", written]))
    [variant] = list(read_products(path, max_bytes=MB))
    assert isinstance(variant, FeedVariant)
    assert (variant.price, variant.currency) == (Decimal(amount), currency)


@pytest.mark.parametrize("written", ["in_stock", "in stock", "In Stock", "in-stock"])
def test_availability_is_read_in_googles_spellings(tmp_path: Path, written: str) -> None:
    path = _write(tmp_path, "feed.tsv", _tsv(["id", "title", "price", "availability"],
                                             ["A1", "Camicia", "79.00 EUR", written]))
    [variant] = list(read_products(path, max_bytes=MB))
    assert isinstance(variant, FeedVariant) and variant.availability == "in_stock"


def test_unknown_merchant_columns_are_kept_raw(tmp_path: Path) -> None:
    path = _write(tmp_path, "feed.tsv", _tsv(["id", "title", "price", "custom_label_0", "Fit"],
                                             ["A1", "Camicia", "79.00 EUR", "saldi", "slim"]))
    [variant] = list(read_products(path, max_bytes=MB))
    assert isinstance(variant, FeedVariant) and variant.extra == {"custom_label_0": "saldi", "fit": "slim"}


def test_an_atom_feed_with_g_fields_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "feed.xml", f"""<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" {G}>
  <title>Shop</title>
  <entry>
    <id>tag:shop.example,2026:1</id>
    <title>Blazer in lana</title>
    <link href="https://shop.example/blazer"/>
    <summary>Blazer sfoderato.</summary>
    <g:id>B-50</g:id><g:price>249.00 EUR</g:price><g:size>50</g:size>
  </entry>
</feed>""")
    [variant] = list(read_products(path, max_bytes=MB))
    assert isinstance(variant, FeedVariant)
    assert (variant.id, variant.title, variant.link, variant.description, variant.size) == (
        "B-50", "Blazer in lana", "https://shop.example/blazer", "Blazer sfoderato.", "50")


def test_rss_items_may_use_plain_title_and_html_descriptions(tmp_path: Path) -> None:
    path = _write(tmp_path, "feed.xml", f"""<rss version="2.0" {G}><channel>
<item><title>Camicia bianca</title><link>https://shop.example/c</link>
<description><![CDATA[<p>Cotone <b>Oxford</b></p><ul><li>Collo button-down</li></ul>]]></description>
<g:id>C-40</g:id><g:price>79.00 EUR</g:price>
<g:shipping><g:country>IT</g:country><g:price>4.90 EUR</g:price></g:shipping></item>
</channel></rss>""")
    [variant] = list(read_products(path, max_bytes=MB))
    assert isinstance(variant, FeedVariant)
    assert variant.title == "Camicia bianca" and variant.line == 1
    assert variant.description == "Cotone Oxford\n- Collo button-down"
    assert variant.extra == {"shipping": "country=IT; price=4.90 EUR"}


# --- Shopify -------------------------------------------------------------------------------------

SHOPIFY_HEADER = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Option1 Name", "Option1 Value",
                  "Option2 Name", "Option2 Value", "Variant SKU", "Variant Inventory Qty", "Variant Price",
                  "Variant Compare At Price", "Image Src", "Image Position", "Status"]


def _shopify(tmp_path: Path, *rows: list[str]) -> list:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([SHOPIFY_HEADER, *rows])
    return list(read_products(_write(tmp_path, "products_export.csv", buf.getvalue()), max_bytes=MB))


def test_shopify_continuation_rows_inherit_the_product(tmp_path: Path) -> None:
    rows = _shopify(
        tmp_path,
        ["giacca-blu", "Giacca blu", "<p>Lana <em>vergine</em></p>", "Brera", "Giacche", "lana, inverno",
         "Taglia", "48", "Colore", "Blu", "GB-48", "3", "249.00", "", "https://s.example/1.jpg", "1",
         "active"],
        ["giacca-blu", "", "", "", "", "", "", "50", "", "Blu", "GB-50", "0", "249.00", "", "", "", ""],
        ["giacca-blu", *[""] * 13, "https://s.example/2.jpg", "2", ""])
    assert _problems(rows) == []
    first, second = _variants(rows)
    assert (second.id, second.title, second.item_group_id, second.product_type, second.brand) == (
        "GB-50", "Giacca blu", "giacca-blu", "Giacche", "Brera")
    assert (second.size, second.color, second.tags) == ("50", "Blu", ["lana", "inverno"])
    assert second.description == "Lana vergine"
    assert second.image_link == "https://s.example/1.jpg"
    assert second.additional_image_links == ["https://s.example/2.jpg"]
    assert (first.availability, second.availability, first.quantity) == ("in_stock", "out_of_stock", 3)


def test_shopify_compare_at_price_above_price_is_a_sale(tmp_path: Path) -> None:
    [variant] = _variants(_shopify(tmp_path, [
        "camicia", "Camicia lino", "", "Brera", "Camicie", "", "Size", "M", "", "", "CL-M", "2", "69.00",
        "89.00", "", "", "active"]))
    assert (variant.price, variant.sale_price, variant.size) == (Decimal("89.00"), Decimal("69.00"), "M")


def test_shopify_variants_without_sku_get_an_id_from_handle_and_options(tmp_path: Path) -> None:
    rows = _shopify(
        tmp_path,
        ["cravatta", "Cravatta seta", "", "Brera", "Accessori", "", "Title", "Default Title", "", "", "",
         "5", "59.00", "", "", "", "active"],
        ["cintura", "Cintura", "", "Brera", "Accessori", "", "Size", "90", "Colour", "Nero", "", "5",
         "69.00", "", "", "", "active"])
    tie, belt = _variants(rows)
    assert (tie.id, tie.size) == ("cravatta", None)
    assert (belt.id, belt.size, belt.color) == ("cintura-90-nero", "90", "Nero")


def test_draft_shopify_products_are_not_imported(tmp_path: Path) -> None:
    rows = _shopify(tmp_path, ["bozza", "Bozza", "", "Brera", "Giacche", "", "Size", "48", "", "", "BZ-48",
                               "1", "99.00", "", "", "", "draft"])
    assert _variants(rows) == []
    [problem] = _problems(rows)
    assert (problem.line, problem.id, problem.field) == (2, "BZ-48", "Status") and "draft" in problem.reason


def test_shopifys_current_export_headers_are_read_too(tmp_path: Path) -> None:
    path = _write(tmp_path, "products.csv",
                  "URL handle,Title,Description,Vendor,Option1 name,Option1 value,SKU,Price,Compare-at price,"
                  "Inventory quantity,Product image URL\n"
                  "polo,Polo piquet,Cotone,Brera,Taglia,L,PO-L,59.00,79.00,4,https://s.example/p.jpg\n"
                  "polo,,,,,XL,PO-XL,59.00,79.00,0,\n")
    variants = _variants(list(read_products(path, max_bytes=MB)))
    assert [(v.id, v.title, v.size, v.price, v.sale_price) for v in variants] == [
        ("PO-L", "Polo piquet", "L", Decimal("79.00"), Decimal("59.00")),
        ("PO-XL", "Polo piquet", "XL", Decimal("79.00"), Decimal("59.00"))]


# --- generic CSV / JSONL with a mapping ----------------------------------------------------------

def test_a_semicolon_csv_is_read_through_its_mapping(tmp_path: Path) -> None:
    mapping = _write(tmp_path, "map.toml", """price_format = "comma"
[columns]
Codice = "id"
Nome = "title"
Prezzo = "price"
Taglia = "size"
Reparto = "gender"
[defaults]
currency = "EUR"
brand = "Brera"
""")
    feed = _write(tmp_path, "export.csv", "Codice;Nome;Prezzo;Taglia;Reparto;Stagione\n"
                                          "P-48;Pantalone flanella;1.139,00;48;uomo;AI\n")
    [variant] = list(read_products(feed, mapping=mapping, max_bytes=MB))
    assert isinstance(variant, FeedVariant)
    assert (variant.id, variant.price, variant.currency, variant.size, variant.gender, variant.brand) == (
        "P-48", Decimal("1139.00"), "EUR", "48", "male", "Brera")
    assert variant.extra == {"Stagione": "AI"}


def test_a_price_in_cents_is_read_as_such(tmp_path: Path) -> None:
    mapping = _write(tmp_path, "map.toml", 'price_format = "cents"\n[columns]\nsku = "id"\nname = "title"\n'
                                           'amount = "price"\n')
    feed = _write(tmp_path, "items.jsonl", '{"sku": "S1", "name": "Sciarpa", "amount": 4990}\n')
    [variant] = list(read_products(feed, mapping=mapping, max_bytes=MB))
    assert isinstance(variant, FeedVariant) and variant.price == Decimal("49.90")


@pytest.mark.parametrize(("toml", "message"), [
    ('[columns]\nsku = "id"\nname = "title"\n', "maps no column to price"),
    ('[columns]\nsku = "id"\nname = "title"\namount = "prezzo"\n', "'prezzo' is not a Sarto field"),
    ('[columns\nsku = "id"\n', "not valid TOML"),
    ('price_format = "euro"\n[columns]\nsku = "id"\nname = "title"\namount = "price"\n', "price_format")])
def test_a_wrong_mapping_file_is_explained(tmp_path: Path, toml: str, message: str) -> None:
    mapping = _write(tmp_path, "map.toml", toml)
    feed = _write(tmp_path, "items.csv", "sku,name,amount\nS1,Sciarpa,49.90\n")
    with pytest.raises(FeedError, match=message):
        list(read_products(feed, mapping=mapping, max_bytes=MB))


def test_a_mapped_column_missing_from_the_csv_is_named(tmp_path: Path) -> None:
    mapping = _write(tmp_path, "map.toml", '[columns]\nsku = "id"\nname = "title"\nprezzo = "price"\n')
    feed = _write(tmp_path, "items.csv", "sku,name,amount\nS1,Sciarpa,49.90\n")
    with pytest.raises(FeedError, match="prezzo"):
        list(read_products(feed, mapping=mapping, max_bytes=MB))


# --- local inventory and stores -----------------------------------------------------------------

def test_local_inventory_rows_carry_store_variant_and_quantity(tmp_path: Path) -> None:
    path = _write(tmp_path, "local.tsv", _tsv(
        ["store_code", "id", "quantity", "price", "availability", "pickup_method", "pickup_sla"],
        ["MI01", "J-48", "3", "249.00 EUR", "in stock", "reserve", "same_day"]))
    [stock] = list(read_stock(path, max_bytes=MB))
    assert stock == FeedStock(line=2, store_code="MI01", id="J-48", quantity=3, price=Decimal("249.00"),
                              sale_price=None, availability="in_stock", pickup_method="reserve",
                              pickup_sla="same_day")


def test_google_business_profile_store_sheets_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "locations.csv",
                  "Store code,Business name,Address line 1,Address line 2,Locality,Postal code,"
                  "Country / Region,Latitude,Longitude,Primary phone,Monday hours,Saturday hours,"
                  "Sunday hours\n"
                  'NA02,Brera Napoli,Via Chiaia 149,Piano terra,Napoli,80132,Italia,40.8371,14.2455,'
                  '+39 081 418 2295,"9:00AM-1:30PM,4:30PM-8:00PM",10:00-20:00,x\n')
    [store] = list(read_stores(path, max_bytes=MB))
    assert isinstance(store, FeedStore)
    assert (store.store_code, store.name, store.address, store.city, store.country) == (
        "NA02", "Brera Napoli", "Via Chiaia 149, Piano terra", "Napoli", "IT")
    assert store.hours is not None
    assert store.hours["mon"] == ["09:00", "13:30", "16:30", "20:00"]
    assert (store.hours["sat"], store.hours["sun"], store.hours["tue"]) == (["10:00", "20:00"], None, None)


@pytest.mark.parametrize(("written", "mon", "sun"), [
    ("mon-sat 10:00-19:30; sun closed", ["10:00", "19:30"], None),
    ("Mo-Fr 09:30-19:00, Sa-Su 10:00-13:00", ["09:30", "19:00"], ["10:00", "13:00"]),
    ('{"mon": ["10:00", "19:30"], "sun": null}', ["10:00", "19:30"], None),
    ("lun-dom 10-20", ["10:00", "20:00"], ["10:00", "20:00"])])
def test_store_hours_are_read_in_the_usual_notations(tmp_path: Path, written: str, mon: list,
                                                     sun: list) -> None:
    path = tmp_path / "stores.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["store_code", "name", "address", "city", "latitude", "longitude", "hours"],
                                 ["MI01", "Milano", "Via Brera 1", "Milano", "45.47", "9.18", written]])
    [store] = list(read_stores(path, max_bytes=MB))
    assert isinstance(store, FeedStore) and store.hours is not None
    assert (store.hours["mon"], store.hours["sun"]) == (mon, sun)


def test_the_readmes_format_examples_parse_cleanly(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Bring your own catalog: formats"):]
    section = section[:section.index("\n## ", 5)]
    names = ["feed.xml", "feed.tsv", "products_export.csv", "pim.jsonl", "map.toml", "local.tsv",
             "stores.csv"]
    blocks = re.findall(r"```\w+\n(.*?)```", section, re.S)
    assert len(blocks) == len(names)
    for name, body in zip(names, blocks, strict=True):
        _write(tmp_path, name, body)
    rows = [*read_products(tmp_path / "feed.xml", max_bytes=MB),
            *read_products(tmp_path / "feed.tsv", max_bytes=MB),
            *read_products(tmp_path / "products_export.csv", max_bytes=MB),
            *read_products(tmp_path / "pim.jsonl", mapping=tmp_path / "map.toml", max_bytes=MB),
            *read_stock(tmp_path / "local.tsv", max_bytes=MB),
            *read_stores(tmp_path / "stores.csv", max_bytes=MB)]
    assert _problems(rows) == [] and len(rows) == 7

