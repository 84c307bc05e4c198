"""How sure the catalog is of a derived attribute shapes the ranking: of two pieces identical but for
the confidence of their occasion and formality, the certain one ranks first in search and is the
one a look takes; an unknown occasion never passes an occasion filter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from tools.catalog.index import catalog_index
from tools.catalog.search import search_products
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import Inventory, Product, Variant
from tools.db.shop import Shop, open_shop
from tools.outfits.assemble import assemble_outfit
from tools.shapes import Constraints, SearchFilters

pytestmark = pytest.mark.slow  # seeds and embeds a catalog of its own

GUESSED, CERTAIN, UNKNOWN = "AA-GUESSED", "ZZ-CERTAIN", "MM-UNKNOWN"
SIZES = {"IT": "50", "INT": "L", "EU": "43"}


def _twin(s: Any, original: Product, sku: str, **changes: Any) -> None:
    columns = {c.key: getattr(original, c.key) for c in Product.__table__.columns if c.key != "id"}
    twin = Product(**{**columns, "sku": sku, "retired": False, **changes})
    s.add(twin)
    s.flush()
    now = datetime.now(UTC)
    ids = [f"{sku}-{v.size}" for v in original.variants]
    s.add_all([Variant(id=vid, product_id=twin.id, size=v.size, size_system=v.size_system)
               for vid, v in zip(ids, original.variants, strict=True)])
    s.flush()
    s.add_all([Inventory(variant_id=vid, location="online", quantity=5, reserved=0, updated_at=now)
               for vid in ids])


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """A seed shop whose only men's blazers are two twins (one guessed, one certain) and a third
    whose occasions are unknown."""
    from catalog_seed.load import seed_shop

    folder = tmp_path_factory.mktemp("confidence")
    shop = open_shop(sqlite_url(folder), folder)
    seed_shop(shop, products=800, seed=7, build_index=False, progress=False)
    with session_scope(shop.engine) as s:
        blazers = select(Product).where(Product.department == "menswear", Product.category == "blazer")
        original = next(p for p in s.scalars(blazers) if any(v.size == SIZES["IT"] for v in p.variants))
        s.execute(update(Product).where(Product.department == "menswear", Product.category == "blazer")
                  .values(retired=True))
        sure = {"occasions": ["business", "office"], "formality": 4}
        _twin(s, original, GUESSED, **sure, attribute_confidence={"occasions": 0.4, "formality": 0.4})
        _twin(s, original, CERTAIN, **sure, attribute_confidence=None)
        _twin(s, original, UNKNOWN, occasions=None, title_it=f"{original.title_it} da colloquio")
    catalog_index(shop).sync(progress=False)
    yield shop


def test_a_certain_occasion_ranks_above_a_guessed_one(twins):
    hits = search_products(twins, "giacca per un colloquio di lavoro",
                           SearchFilters(department="menswear", categories=["blazer"])).hits
    order = [h.sku for h in hits]
    assert order.index(CERTAIN) < order.index(GUESSED)


def test_a_look_takes_the_certain_piece_over_its_guessed_twin(twins):
    plan = assemble_outfit(twins, "job_interview", "menswear", Constraints(sizes=SIZES), origin=None)
    look = plan.card or plan.closest
    assert look is not None, plan
    assert next(i.sku for i in look.items if i.slot == "jacket") == CERTAIN


def test_an_unknown_occasion_never_passes_an_occasion_filter(twins):
    with session_scope(twins.engine) as s:
        title = s.scalars(select(Product.title_it).where(Product.sku == UNKNOWN)).one()
    for query in (title, "giacca da colloquio"):
        hits = search_products(twins, query, SearchFilters(occasion="business"), limit=50).hits
        assert hits and UNKNOWN not in {h.sku for h in hits}
    assert UNKNOWN in {h.sku for h in search_products(twins, title, limit=5).hits}
