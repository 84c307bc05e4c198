"""How well could anything read formality and occasions from a thin feed of the seed shop?

The seed generator draws a product's formality at random inside its occasion profile's range, and
most of what the thin feed shows (the garment kind, fabric, cut, pattern, colours, brand) does not
depend on which value was drawn. So some of the truth leaves no trace in the feed. This measures
that ceiling: a lookup table *learned with the true labels* from many generated products (another
seed), reading only what the thin feed shows, scored on the round trip's seed shop. No rule in the
product learns from it; it tells how far the enricher's scores can go, not how to get there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]
MIN_SUPPORT = 20  # a key seen fewer times backs off to a coarser one
OCCASION_SHARE = 0.4  # an occasion is predicted when this share of the key's products have it


def _fabric(p: Row) -> tuple[tuple[str, int], ...]:
    return tuple((f["fibre"], f["pct"]) for f in p["fabric"])


# From the most specific reading of the feed row to the coarsest.
_KEYS: tuple[Callable[[Row], Hashable], ...] = (
    lambda p: (p["department"], p["subcategory"], _fabric(p), p["fit"], p["pattern"], tuple(p["colours"]),
               p["brand"]),
    lambda p: (p["department"], p["subcategory"], _fabric(p), p["fit"], p["pattern"], p["colours"][0],
               p["brand"]),
    lambda p: (p["department"], p["subcategory"], _fabric(p), p["fit"], p["brand"]),
    lambda p: (p["department"], p["subcategory"], _fabric(p), p["brand"]),
    lambda p: (p["department"], p["subcategory"], _fabric(p)),
    lambda p: (p["department"], p["subcategory"]),
)


@dataclass(frozen=True)
class Ceiling:
    trained_on: int
    formality_exact: float
    formality_within1: float
    occasions_f1: float

    def as_dict(self) -> dict[str, Any]:
        return vars(self)


class _Table:
    def __init__(self, train: list[Row]) -> None:
        self.formality: list[defaultdict[Hashable, Counter[int]]] = [defaultdict(Counter) for _ in _KEYS]
        self.occasions: list[defaultdict[Hashable, Counter[str]]] = [defaultdict(Counter) for _ in _KEYS]
        self.support = [Counter[Hashable]() for _ in _KEYS]
        for p in train:
            for level, key in enumerate(_KEYS):
                k = key(p)
                self.support[level][k] += 1
                self.formality[level][k][p["formality"]] += 1
                self.occasions[level][k].update(p["occasions"])

    def _level(self, p: Row) -> tuple[int, Hashable]:
        for level, key in enumerate(_KEYS):
            k = key(p)
            if self.support[level][k] >= MIN_SUPPORT:
                return level, k
        return len(_KEYS) - 1, _KEYS[-1](p)

    def predict(self, p: Row) -> tuple[int | None, set[str]]:
        level, k = self._level(p)
        seen = self.support[level][k]
        if not seen:
            return None, set()
        formality = self.formality[level][k].most_common(1)[0][0]
        occasions = {o for o, n in self.occasions[level][k].items() if n / seen >= OCCASION_SHARE}
        return formality, occasions


def measure_ceiling(truth: list[Row], train_products: int, seed: int) -> Ceiling:
    """Learn from `train_products` generated with `seed` (not the scored shop's), score on `truth`."""
    from catalog_seed.products import generate_catalog

    table = _Table(generate_catalog(train_products, seed).products)
    exact = within = tp = fp = fn = 0
    for p in truth:
        formality, occasions = table.predict(p)
        exact += formality == p["formality"]
        within += formality is not None and abs(formality - p["formality"]) <= 1
        said = set(p["occasions"])
        tp, fp, fn = tp + len(occasions & said), fp + len(occasions - said), fn + len(said - occasions)
    n = max(1, len(truth))
    return Ceiling(train_products, round(exact / n, 3), round(within / n, 3),
                   round(2 * tp / max(1, 2 * tp + fp + fn), 3))
