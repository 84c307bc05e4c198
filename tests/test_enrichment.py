"""Enrichment: a thin feed row becomes the attributes a stylist reasons with, each with its source
and confidence; the retailer's own values win; what nothing says stays unknown."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from agent.cli import app
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import ImportJob, Product
from tools.db.shop import open_shop
from tools.enrichment.batch import Described, enrich_many
from tools.enrichment.enrich import enrich
from tools.imports.run import run_import


def _row(title: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"title": title, "description": None, "product_type": None,
                            "google_product_category": None, "tags": [], "department": None,
                            "category": None, "colours": [], "pattern": None, "fabric": None,
                            "material": None, "raw_attributes": None}
    return base | fields


def test_an_italian_row_says_its_kind_season_and_formality_through_its_words() -> None:
    found = enrich(**_row("Giacca doppiopetto in flanella di lana antracite", product_type="Uomo > Giacche",
                          department="menswear", category="blazer", colours=["charcoal"],
                          fabric=[{"fibre": "wool", "pct": 100}]))
    assert found.get("subcategory") == "doppiopetto"
    assert found.get("seasons") == ["autumn", "winter"]  # flannel is for the cold
    assert found.get("formality") >= 4 and {"business", "office"} & set(found.get("occasions"))
    assert found.values["formality"].source == "rules" and 0 < found.confidence("formality") < 1
    assert found.values["category"].source == "feed"
    # pairings come from the looks this piece can fill: a formal blazer goes with trousers and shirts
    assert {"trousers", "shirt"} <= set(found.get("compatible_categories"))


def test_a_terse_english_row_with_tags_reads_as_a_summer_casual_piece() -> None:
    found = enrich(**_row("Short Sleeve Linen Shirt - Sky", tags=["men", "summer", "linen"],
                          material="100% linen"))
    assert found.get("department") == "menswear" and found.values["department"].source == "rules"
    assert found.get("category") == "shirt" and found.values["category"].source == "rules"
    assert found.get("seasons") == ["spring", "summer"] and found.get("formality") <= 2
    assert "casual" in found.get("occasions") and "ceremony" not in found.get("occasions")


def test_a_tuxedo_is_black_tie_and_a_path_naming_the_kind_beats_its_broader_step() -> None:
    tux = enrich(**_row("Smoking in lana nero", product_type="Uomo > Abiti > Smoking", department="menswear",
                        category="suit"))
    assert tux.get("formality") == 5 and tux.confidence("formality") >= 0.9
    assert {"ceremony", "evening"} <= set(tux.get("occasions"))
    # "Abito" alone is the shop's word for a suit, but the path's leaf names a dress
    dress = enrich(**_row("Abito midi in viscosa", product_type="Donna > Vestiti > Abito midi",
                          department="womenswear", category="suit"))
    assert dress.get("category") == "dress"


def test_what_nothing_says_stays_unknown() -> None:
    found = enrich(**_row("Gift card 50"))
    for name in ("department", "category", "formality", "occasions", "seasons", "style", "fit"):
        assert found.get(name) is None and name not in found.values
    assert found.columns()["attribute_sources"] == {}


def test_the_retailers_own_values_win_and_nonsense_is_ignored() -> None:
    found = enrich(**_row("Chinos in cotone beige", department="menswear", category="trousers",
                          raw_attributes={"Occasione": "cerimonia, sera", "formality": "5",
                                          "sarto_seasons": "winter", "style": "not a style"}))
    assert found.get("occasions") == ["ceremony", "evening"] and found.values["occasions"].source == "feed"
    assert found.get("formality") == 5 and found.confidence("formality") == 1.0
    assert found.get("seasons") == ["winter"]
    assert found.values["style"].source == "rules"  # "not a style" names none of the shop's styles


def test_a_brand_with_a_formal_house_style_leans_its_ambiguous_pieces_up() -> None:
    def piece(brand: str, title: str) -> Described:
        return Described(brand, _row(title, department="menswear", category="trousers", colours=["navy"]))

    formal = [piece("Sartoria", f"Pantaloni gessati in lana {n}") for n in range(6)]
    casual = [piece("Street", f"Pantaloni cargo in cotone {n}") for n in range(6)]
    plain = "Pantaloni dritti in cotone blu"
    found = enrich_many([*formal, piece("Sartoria", plain), *casual, piece("Street", plain)])
    assert found[6].get("formality") > found[13].get("formality")


@pytest.mark.slow
def test_an_import_keeps_sources_overrides_and_the_product_page_shows_them(tmp_path: Path) -> None:
    feed = tmp_path / "feed.tsv"
    header = ["id", "item_group_id", "title", "price", "availability", "gender", "age_group", "color", "size",
              "product_type", "brand", "occasions", "formality"]
    rows = [["TX-1-50", "TX-1", "Smoking in lana nero", "590.00 EUR", "in_stock", "male", "adult", "Nero",
             "50", "Uomo > Abiti > Smoking", "Casa", "", ""],
            ["CH-1-50", "CH-1", "Pantaloni chino in cotone beige", "89.00 EUR", "in_stock", "male", "adult",
             "Beige", "50", "Uomo > Pantaloni", "Casa", "cerimonia", "4"]]
    with feed.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter="\t").writerows([header, *rows])
    data = tmp_path / "data"
    shop = open_shop(sqlite_url(data), data)
    assert run_import(shop, "products", feed).ok
    with session_scope(shop.engine) as s:
        tux, chino = (s.scalars(select(Product).where(Product.sku == sku)).one() for sku in ("TX-1", "CH-1"))
        assert tux.formality == 5 and (tux.attribute_sources or {}).get("formality") == "rules"
        assert chino.occasions == ["ceremony"] and chino.formality == 4
        assert (chino.attribute_sources or {}).get("occasions") == "feed"
        assert (chino.attribute_confidence or {}).get("occasions") == 1

    from fastapi.testclient import TestClient

    from agent.server.app import create_app
    from agent.settings import Settings

    with TestClient(create_app(Settings(data_dir=data))) as client:
        detail = client.get("/v1/catalog/products/TX-1").json()
    formality = detail["attributes"]["formality"]
    assert formality["value"] == 5 and formality["source"] == "rules" and 0 < formality["confidence"] <= 1
    assert detail["attributes"]["pattern"] == {"value": None, "source": None, "confidence": 0.0}

    # the retailer changes an override in place: `sarto enrich` derives again, as one job
    with session_scope(shop.engine) as s:
        s.execute(update(Product).where(Product.sku == "CH-1")
                  .values(raw_attributes={"occasions": "viaggio", "formality": "3"}))
    result = CliRunner().invoke(app, ["enrich", "--data-dir", str(data)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    with session_scope(shop.engine) as s:
        chino = s.scalars(select(Product).where(Product.sku == "CH-1")).one()
        assert chino.occasions == ["travel"] and chino.formality == 3
        assert s.scalar(select(ImportJob.kind).where(ImportJob.kind == "enrich")) == "enrich"
    again = CliRunner().invoke(app, ["enrich", "--data-dir", str(data)], catch_exceptions=False)
    assert "0 changed" in again.output


@pytest.mark.slow
def test_the_model_names_a_category_the_lexicons_cannot_read_and_says_it_guessed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.tsv"
    rows = [["id", "title", "price", "availability", "gender", "age_group", "color", "size", "material"],
            ["MC-1-M", "Maglioncino in cashmere grigio", "149.00 EUR", "in_stock", "female", "adult",
             "Grigio", "M", "100% cashmere"],
            ["GC-1", "Gift card", "50.00 EUR", "in_stock", "", "", "", "", ""]]
    with feed.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter="\t").writerows(rows)
    data = tmp_path / "data"
    shop = open_shop(sqlite_url(data), data)
    assert run_import(shop, "products", feed).ok
    with session_scope(shop.engine) as s:
        jumper = s.scalars(select(Product).where(Product.sku == "MC-1-M")).one()
        gift = s.scalars(select(Product).where(Product.sku == "GC-1")).one()
    sources, sure = jumper.attribute_sources or {}, jumper.attribute_confidence or {}
    assert jumper.category == "knitwear" and sources["category"] == "model" and sure["category"] <= 0.7
    # what follows from the guessed category is derived, and no surer than the guess
    assert jumper.seasons == ["autumn", "winter"] and jumper.occasions
    assert sure["seasons"] <= sure["category"] and sure["formality"] <= sure["category"]
    assert gift.category is None and gift.occasions is None  # nothing is like a gift card: unknown
