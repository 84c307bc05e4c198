"""A shop that exports its catalog in one language is still found by shoppers who write the other:
the seed shop exported in English only (and in Italian only), imported into a fresh folder, searched
in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tools.catalog.bilingual import bilingual_query, match_materials
from tools.catalog.search import search_products
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import Product
from tools.db.shop import Shop, open_shop
from tools.lexicon import FIBRE_LABELS, PATTERN_LABELS, TermMatches, match_terms

pytestmark = pytest.mark.slow  # seeds, exports and imports (embeds) two catalogs


@pytest.fixture(scope="module")
def one_language(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Shop]]:
    from catalog_seed.load import seed_shop
    from tools.catalog.exports.products_feed import export_products
    from tools.imports.run import run_import

    root = tmp_path_factory.mktemp("crosslang")
    source = open_shop(sqlite_url(root / "seed"), root / "seed")
    seed_shop(source, products=600, seed=7, build_index=False, progress=False)
    shops = {}
    for language in ("en", "it"):
        feed = root / f"products-{language}.tsv"
        export_products(source, feed, "tsv", language=language)  # type: ignore[arg-type]
        shop = open_shop(sqlite_url(root / language), root / language)
        assert run_import(shop, "products", feed, max_rejected=0.0).ok
        shops[language] = shop
    yield shops


def test_giacca_blu_finds_navy_and_blue_blazers_in_an_english_only_catalog(one_language):
    hits = search_products(one_language["en"], "giacca blu", limit=5).hits
    assert len(hits) == 5 and all("giacca" not in h.title_en.lower() for h in hits)  # English only
    assert all(h.category == "blazer" and {"navy", "blue"} & set(h.colours) for h in hits)


def test_navy_blazer_finds_giacca_blu_navy_in_an_italian_only_catalog(one_language):
    hits = search_products(one_language["it"], "navy blazer", limit=5).hits
    assert len(hits) == 5
    assert all(h.category == "blazer" and "navy" in h.colours for h in hits)
    assert all(h.title_en.startswith("Giacca") and "blu navy" in h.title_en for h in hits)


def _queries(shop: Shop) -> list[tuple[str, str, set[str]]]:
    """(Italian, English, relevant skus): a category in a fibre or a pattern the catalog holds."""
    from tools.taxonomy import CATEGORIES

    with session_scope(shop.engine) as s:
        rows = s.execute(select(Product.sku, Product.category, Product.fabric, Product.pattern)
                         ).tuples().all()
    groups: dict[tuple[str, str, str], set[str]] = {}
    for sku, category, fabric, pattern in rows:
        if category is None:
            continue
        for part in fabric or ():
            if part.get("pct", 0) >= 50 and part["fibre"] in FIBRE_LABELS:
                groups.setdefault(("fibre", category, part["fibre"]), set()).add(sku)
        if pattern in PATTERN_LABELS and pattern != "solid":
            groups.setdefault(("pattern", category, pattern), set()).add(sku)
    out = []
    for (kind, category, key), skus in sorted(groups.items()):
        if len(skus) >= 3:
            it, en = FIBRE_LABELS[key] if kind == "fibre" else PATTERN_LABELS[key]
            c = CATEGORIES[category]
            out.append((f"{c.it} in {it}" if kind == "fibre" else f"{c.it} {it}", f"{en} {c.en}", skus))
    assert len(out) >= 10
    return out


def _recall(shop: Shop, query: str, relevant: set[str]) -> float:
    hits = search_products(shop, query, limit=20).hits
    return len({h.sku for h in hits} & relevant) / min(20, len(relevant))


@pytest.mark.parametrize("language", ["en", "it"])
def test_the_other_language_finds_nearly_what_the_same_language_finds(one_language, language):
    shop = one_language[language]
    queries = _queries(shop)
    same = sum(_recall(shop, it if language == "it" else en, rel) for it, en, rel in queries)
    other = sum(_recall(shop, en if language == "it" else it, rel) for it, en, rel in queries)
    # the target is 0.9; the bridge measures 0.99 here, and without it this catalog measured 0.91
    # (English-only), so 0.95 is what keeps the test able to fail
    assert other >= 0.95 * same


@pytest.mark.parametrize("language", ["en", "it"])
def test_a_query_finds_no_less_in_its_own_language_than_without_the_bridge(one_language, language,
                                                                            monkeypatch):
    shop = one_language[language]
    queries = [(it if language == "it" else en, rel) for it, en, rel in _queries(shop)]
    bridged = sum(_recall(shop, q, rel) for q, rel in queries)
    monkeypatch.setattr("tools.catalog.search.bilingual_query", lambda query, terms: query)
    monkeypatch.setattr("tools.catalog.search.match_materials", lambda query, terms: terms)
    plain = sum(_recall(shop, q, rel) for q, rel in queries)
    assert bridged >= plain


def test_the_query_carries_the_other_languages_words_for_fibres_patterns_and_occasions():
    def said(query: str) -> str:
        return bilingual_query(query, match_materials(query, match_terms(query)))

    assert said("camicia in lino a righe") == "camicia in lino a righe. linen, striped"
    assert said("striped cotton shirt") == "striped cotton shirt. cotone, a righe"
    assert "ceremony" in said("abito da cerimonia")
    assert said("giacca blu") == "giacca blu"  # categories and colours: the index text has both


def test_a_fibre_the_shopper_rules_out_is_neither_bridged_nor_boosted():
    terms = match_materials("maglione senza lana, in cashmere", TermMatches())
    assert terms.fibres == ["cashmere"]
    assert match_materials("no wool please", TermMatches()).fibres == []


def test_a_suit_for_women_stays_a_suit_and_an_abito_for_a_woman_is_a_dress():
    from tools.catalog.search import _ranking_terms
    from tools.shapes import SearchFilters

    assert _ranking_terms("black suit for women", SearchFilters()).categories == ["suit"]
    assert _ranking_terms("abito nero donna", SearchFilters()).categories == ["dress"]
