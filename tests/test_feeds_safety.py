"""Bad and hostile feeds: a file that cannot be used raises FeedError with a message a retailer can
act on (what, where, how to fix); a bad row is a FeedProblem with its line, id, field and reason,
and the rows around it still come through. XML bombs and external entities are refused, never
expanded, and a 50 MB feed streams in flat memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.catalog.feeds import (
    FeedError,
    FeedProblem,
    FeedStock,
    FeedStore,
    FeedVariant,
    read_products,
    read_stock,
    read_stores,
)

MB = 1_000_000
G = 'xmlns:g="http://base.google.com/ns/1.0"'
HEADER = ["id", "title", "price", "availability"]
STORE_HEADER = "store_code,name,address,city,postal_code,country,latitude,longitude\n"


def _tsv(*rows: list[str]) -> str:
    return "".join("\t".join(r) + "\n" for r in rows)


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _item(n: int, price: str = "99.00 EUR") -> str:
    return f"<item><g:id>V{n}</g:id><g:title>Camicia {n}</g:title><g:price>{price}</g:price></item>"


# --- hostile XML --------------------------------------------------------------------------------

def test_an_xml_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))  # 10^9 "ha"
    bomb = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "ha">{entities}]>'
            f'<rss {G}><channel><item><g:id>V1</g:id><g:title>&l9;</g:title>'
            "<g:price>1.00 EUR</g:price></item></channel></rss>")
    with pytest.raises(FeedError, match="DTD or entities"):
        list(read_products(_write(tmp_path, "bomb.xml", bomb), max_bytes=MB))


def test_an_external_entity_is_refused_and_the_file_it_names_is_not_read(tmp_path: Path) -> None:
    secret = _write(tmp_path, "secret.txt", "password-of-the-shop")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
           f'<rss {G}><channel><item><g:id>V1</g:id><g:title>&x;</g:title>'
           "<g:price>1.00 EUR</g:price></item></channel></rss>")
    with pytest.raises(FeedError, match="DTD or entities") as error:
        list(read_products(_write(tmp_path, "xxe.xml", xxe), max_bytes=MB))
    assert "password-of-the-shop" not in str(error.value)


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    feed = f'<rss {G}><channel>\n{_item(1)}\n<item><g:id>V2</g:title></item>\n</channel></rss>'
    rows = read_products(_write(tmp_path, "broken.xml", feed), max_bytes=MB)
    with pytest.raises(FeedError, match=r"not well-formed XML: line 3"):
        list(rows)


def test_a_50_mb_feed_streams_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    description = "Lana vergine, taglio sartoriale, bottoni in corozo. " * 80
    with path.open("w", encoding="utf-8") as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {G}><channel>\n')
        n = 0
        while f.tell() < 50 * MB:
            f.write(f"<item><g:id>V{n}</g:id><g:item_group_id>P{n // 4}</g:item_group_id>"
                    f"<g:title>Giacca {n}</g:title><g:description>{description}</g:description>"
                    "<g:price>249.00 EUR</g:price><g:size>48</g:size></item>\n")
            n += 1
        f.write("</channel></rss>\n")
    # In a fresh interpreter, so the peak (VmHWM) is this parse's and not the test session's.
    script = f"""
import json, re
from pathlib import Path
from tools.catalog.feeds import read_products
def kb(field):
    return int(re.search(field + r":\\s+(\\d+)", open("/proc/self/status").read()).group(1))
rows = read_products(Path({str(path)!r}), max_bytes=60_000_000)
first = next(rows)
before = kb("VmRSS")
count = 1 + sum(1 for _ in rows)
print(json.dumps({{"count": count, "growth_mb": (kb("VmHWM") - before) / 1000}}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent, timeout=300)
    report = json.loads(result.stdout)
    assert report["count"] == n
    assert report["growth_mb"] < 25, report  # the tree of a 50 MB feed kept whole would be far more


# --- encodings ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "body"), [
    ("feed.tsv", _tsv(HEADER, ["V1", "Camicia", "79.00 EUR", "in_stock"])),
    ("feed.xml", f'<?xml version="1.0" encoding="UTF-8"?><rss {G}><channel>{_item(1)}</channel></rss>')])
def test_utf8_with_a_byte_order_mark_is_accepted(tmp_path: Path, name: str, body: str) -> None:
    path = _write(tmp_path, name, b"\xef\xbb\xbf" + body.encode())
    [variant] = list(read_products(path, max_bytes=MB))
    assert isinstance(variant, FeedVariant) and variant.id == "V1"


def test_a_latin1_tsv_is_refused_naming_the_line_and_byte(tmp_path: Path) -> None:
    body = _tsv(HEADER, ["V1", "Camicia", "79.00 EUR", "in_stock"], ["V2", "Giacca di qualità", "9 EUR", ""])
    path = _write(tmp_path, "feed.tsv", body.encode("latin-1"))
    with pytest.raises(FeedError) as error:
        list(read_products(path, max_bytes=MB))
    message = str(error.value)
    assert "not UTF-8" in message and "line 3" in message and "0xE0" in message and "Latin-1" in message


def test_a_cp1252_xml_feed_is_refused_with_its_line(tmp_path: Path) -> None:
    body = f'<rss {G}><channel>\n{_item(1)}\n<item><g:id>V2</g:id><g:title>“Giacca”</g:title>' \
           "<g:price>9 EUR</g:price></item></channel></rss>"
    path = _write(tmp_path, "feed.xml", body.encode("cp1252"))
    with pytest.raises(FeedError, match=r"not UTF-8: byte 0x93 on line 3 .*Windows-1252"):
        list(read_products(path, max_bytes=MB))


def test_an_xml_feed_declaring_another_encoding_is_refused(tmp_path: Path) -> None:
    body = f'<?xml version="1.0" encoding="ISO-8859-1"?><rss {G}><channel>{_item(1)}</channel></rss>'
    with pytest.raises(FeedError, match=r"ISO-8859-1.*UTF-8"):
        list(read_products(_write(tmp_path, "feed.xml", body.encode("latin-1")), max_bytes=MB))


def test_a_utf16_file_from_excel_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "feed.txt", _tsv(HEADER, ["V1", "Camicia", "79.00 EUR", ""]).encode("utf-16"))
    with pytest.raises(FeedError, match="UTF-16"):
        list(read_products(path, max_bytes=MB, format="merchant-tsv"))


# --- the wrong kind of file ---------------------------------------------------------------------

def test_a_merchant_tsv_that_is_really_a_csv_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "feed.tsv", "id,title,price\nV1,Camicia,79.00 EUR\n")
    with pytest.raises(FeedError, match=r"comma-separated.*tab-separated"):
        list(read_products(path, max_bytes=MB, format="merchant-tsv"))


def test_a_merchant_feed_saved_as_csv_is_recognised_and_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "feed.csv", "id,title,price\nV1,Camicia,79.00 EUR\n")
    with pytest.raises(FeedError, match="Merchant product feed but is not tab-separated"):
        list(read_products(path, max_bytes=MB))


def test_a_shopify_export_missing_its_price_column_names_it_as_shopify_does(tmp_path: Path) -> None:
    path = _write(tmp_path, "products.csv", "Handle,Title,Variant SKU\ngiacca,Giacca,G-48\n")
    with pytest.raises(FeedError, match="required column Variant Price"):
        list(read_products(path, max_bytes=MB, format="shopify"))


def test_a_local_inventory_csv_is_refused_as_not_tab_separated(tmp_path: Path) -> None:
    path = _write(tmp_path, "local.tsv", "store_code,id,quantity\nMI01,V1,3\n")
    with pytest.raises(FeedError, match=r"comma-separated.*tab-separated"):
        list(read_stock(path, max_bytes=MB))


def test_a_store_csv_that_is_really_a_tsv_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "stores.csv", _tsv(
        ["store_code", "name", "address", "city", "latitude", "longitude"],
        ["MI01", "Milano", "Via Brera 1", "Milano", "45.4", "9.1"]))
    with pytest.raises(FeedError, match=r"tab-separated.*comma-separated"):
        list(read_stores(path, max_bytes=MB))


@pytest.mark.parametrize(("reader", "name", "body", "missing"), [
    (read_products, "feed.tsv", _tsv(["id", "description"], ["V1", "x"]), "title, price"),
    (read_stock, "local.tsv", _tsv(["store_code", "price"], ["MI01", "9 EUR"]), "id, quantity"),
    (read_stores, "stores.csv", "store_code,name,city\nMI01,Milano,Milano\n",
     "address, latitude, longitude")])
def test_missing_required_columns_are_named(tmp_path: Path, reader, name: str, body: str,
                                            missing: str) -> None:
    kwargs = {"format": "merchant-tsv"} if reader is read_products else {}
    with pytest.raises(FeedError, match=f"required columns {missing}"):
        list(reader(_write(tmp_path, name, body), max_bytes=MB, **kwargs))


def test_a_file_over_the_limit_is_refused_before_any_row(tmp_path: Path) -> None:
    rows = [HEADER] + [[f"V{n}", "Camicia", "79.00 EUR", "in_stock"] for n in range(60_000)]
    path = _write(tmp_path, "feed.tsv", _tsv(*rows))
    assert path.stat().st_size > MB
    with pytest.raises(FeedError, match=r"over the import limit of 1\.0 MB"):
        next(iter(read_products(path, max_bytes=MB)))


@pytest.mark.parametrize(("reader", "name", "body"), [
    (read_products, "feed.tsv", _tsv(HEADER)),
    (read_products, "feed.xml", f'<rss {G}><channel><title>Vuoto</title></channel></rss>'),
    (read_stock, "local.tsv", _tsv(["store_code", "id", "quantity"])),
    (read_stores, "stores.csv", STORE_HEADER),
    (read_stores, "stores.csv", "")])
def test_a_feed_without_data_rows_is_refused(tmp_path: Path, reader, name: str, body: str) -> None:
    with pytest.raises(FeedError, match=r"no data rows|empty|no <item>"):
        list(reader(_write(tmp_path, name, body), max_bytes=MB))


# --- bad rows -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("row", "ident", "field", "reason"), [
    (["V2", "Camicia", "abc", ""], "V2", "price", "price 'abc' is not a number like 89.90 EUR"),
    (["V2", "Camicia", "-5 EUR", ""], "V2", "price", "negative"),
    (["V2", "Camicia", "0.00 EUR", ""], "V2", "price", "zero"),
    (["V2", "Camicia", "", ""], "V2", "price", "price is missing"),
    (["", "Camicia", "79.00 EUR", ""], None, "id", "id is missing"),
    (["V2", "", "79.00 EUR", ""], "V2", "title", "title is missing"),
    (["V" * 65, "Camicia", "79.00 EUR", ""], "V" * 65, "id", "at most 64"),
    (["V1", "Camicia doppia", "79.00 EUR", ""], "V1", "id", "already used on line 2"),
    (["V2", "Cami\x00cia", "79.00 EUR", ""], "V2", "title", "NUL")])
def test_a_bad_product_row_is_a_problem_and_the_others_still_come(tmp_path: Path, row: list[str],
                                                                   ident: str | None, field: str,
                                                                   reason: str) -> None:
    path = _write(tmp_path, "feed.tsv", _tsv(HEADER, ["V1", "Camicia", "79.00 EUR", "in_stock"], row,
                                             ["V3", "Giacca", "249.00 EUR", "in_stock"]))
    rows = list(read_products(path, max_bytes=MB))
    assert [r.id for r in rows if isinstance(r, FeedVariant)] == ["V1", "V3"]
    [problem] = [r for r in rows if isinstance(r, FeedProblem)]
    assert (problem.line, problem.id, problem.field, problem.severity) == (3, ident, field, "error")
    assert reason in problem.reason


def test_a_bad_availability_is_a_warning_and_the_row_is_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, "feed.tsv", _tsv(HEADER, ["V1", "Camicia", "79.00 EUR", "disponibile"]))
    warning, variant = list(read_products(path, max_bytes=MB))
    assert isinstance(variant, FeedVariant) and variant.availability is None
    assert isinstance(warning, FeedProblem)
    assert (warning.severity, warning.field, warning.line) == ("warning", "availability", 2)
    assert "in_stock, out_of_stock, preorder, backorder" in warning.reason


def test_an_encoded_lone_surrogate_is_a_row_problem(tmp_path: Path) -> None:
    body = _tsv(HEADER, ["V1", "Camicia", "79.00 EUR", ""]).encode() + b"V2\tGiacca \xed\xa0\x80\t9 EUR\t\n"
    rows = list(read_products(_write(tmp_path, "feed.tsv", body), max_bytes=MB))
    assert [r.id for r in rows if isinstance(r, FeedVariant)] == ["V1"]
    [problem] = [r for r in rows if isinstance(r, FeedProblem)]
    assert (problem.line, problem.field) == (3, "title") and "surrogate" in problem.reason


def test_a_jsonl_row_with_a_nul_or_a_surrogate_is_a_problem(tmp_path: Path) -> None:
    mapping = _write(tmp_path, "map.toml", '[columns]\nsku = "id"\nname = "title"\nprice = "price"\n')
    feed = _write(tmp_path, "items.jsonl", '{"sku": "S1", "name": "Sciarpa", "price": "49.90 EUR"}\n'
                                           '{"sku": "S2", "name": "Sci\\u0000arpa", "price": "49.90 EUR"}\n'
                                           '{"sku": "S3", "name": "Sci\\ud800arpa", "price": "49.90 EUR"}\n'
                                           'not json\n')
    rows = list(read_products(feed, mapping=mapping, max_bytes=MB))
    assert [r.id for r in rows if isinstance(r, FeedVariant)] == ["S1"]
    assert [(p.line, p.id) for p in rows if isinstance(p, FeedProblem)] == [(2, "S2"), (3, "S3"), (4, None)]


def test_a_feed_whose_items_have_no_usable_price_still_reports_each_one(tmp_path: Path) -> None:
    feed = f'<rss {G}><channel>{_item(1, "gratis")}{_item(2)}</channel></rss>'
    rows = list(read_products(_write(tmp_path, "feed.xml", feed), max_bytes=MB))
    [problem] = [r for r in rows if isinstance(r, FeedProblem)]
    assert (problem.line, problem.id, problem.field) == (1, "V1", "price")


@pytest.mark.parametrize(("row", "field", "reason"), [
    (["MI01", "V1", "-2"], "quantity", "negative"),
    (["MI01", "V1", "tre"], "quantity", "not a whole number"),
    (["MI01", "V1", ""], "quantity", "missing"),
    (["", "V1", "2"], "store_code", "missing"),
    (["MI01", "V0", "4"], "id", "already on line 2")])
def test_a_bad_stock_row_is_a_problem(tmp_path: Path, row: list[str], field: str, reason: str) -> None:
    path = _write(tmp_path, "local.tsv", _tsv(["store_code", "id", "quantity"], ["MI01", "V0", "1"], row))
    rows = list(read_stock(path, max_bytes=MB))
    assert [r.id for r in rows if isinstance(r, FeedStock)] == ["V0"]
    [problem] = [r for r in rows if isinstance(r, FeedProblem)]
    assert (problem.line, problem.field) == (3, field) and reason in problem.reason


@pytest.mark.parametrize(("row", "field", "reason"), [
    ("RM01,Roma,Via del Corso 1,Roma,00187,IT,141.9,12.48", "latitude", "out of range"),
    ("RM01,Roma,Via del Corso 1,Roma,00187,IT,41.9,nord", "longitude", "not a number"),
    ("MI01,Milano bis,Via Dante 2,Milano,20121,IT,45.46,9.18", "store_code", "already used on line 2"),
    (",Roma,Via del Corso 1,Roma,00187,IT,41.9,12.48", "store_code", "missing")])
def test_a_bad_store_row_is_a_problem(tmp_path: Path, row: str, field: str, reason: str) -> None:
    first = "MI01,Milano,Via Brera 1,Milano,20121,IT,45.47,9.18\n"
    path = _write(tmp_path, "stores.csv", STORE_HEADER + first + row + "\n")
    rows = list(read_stores(path, max_bytes=MB))
    assert [r.store_code for r in rows if isinstance(r, FeedStore)] == ["MI01"]
    [problem] = [r for r in rows if isinstance(r, FeedProblem)]
    assert (problem.line, problem.field) == (3, field) and reason in problem.reason
