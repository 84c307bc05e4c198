"""Score a thin-imported shop's attributes against the rich seed shop it was exported from.

Products are matched through their variant ids (the feed's `id` is the seed's variant id), so a
product the import split by colour or price still maps back to its seed product. An unknown value
(NULL) counts as wrong in every score except subcategory's (scored where both sides know it, as
the issue asks); coverage, reported beside, is the share of products where the value is known.
Every score has a majority-class baseline: the truth's most common value (or set) predicted for
every product, scored the same way. A goal is met when the score reaches it and beats the baseline
(the seasons goal, 0.80, is below its baseline: most seed products are four-season).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sqlalchemy import select

from tools.db.engine import session_scope
from tools.db.models import Product, Variant
from tools.db.shop import Shop

Kind = Literal["accuracy", "accuracy_known", "within1", "f1"]
Record = dict[str, Any]
HIGH_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Metric:
    name: str
    attribute: str  # the Product column it reads (for coverage, sources and confidence)
    kind: Kind
    value: Callable[[Record], Hashable | None]
    goal: float | None = None


def _main_fibre(r: Record) -> str | None:
    fibres = [f for f in r.get("fabric") or [] if isinstance(f, dict) and f.get("fibre")]
    if not fibres:
        return None
    return str(max(fibres, key=lambda f: float(f.get("pct") or 0))["fibre"])


def _as_set(column: str) -> Callable[[Record], frozenset[str] | None]:
    def read(r: Record) -> frozenset[str] | None:
        values = r.get(column)
        return frozenset(values) if values else None
    return read


def _column(column: str) -> Callable[[Record], Hashable | None]:
    return lambda r: r.get(column) or None


def _primary_colour(r: Record) -> str | None:
    colours = r.get("colours") or []
    return str(colours[0]) if colours else None


# The goals; the others are reported without one.
METRICS: tuple[Metric, ...] = (
    Metric("department", "department", "accuracy", _column("department"), 0.99),
    Metric("category", "category", "accuracy", _column("category"), 0.98),
    Metric("subcategory", "subcategory", "accuracy_known", _column("subcategory")),
    Metric("occasions (micro-F1)", "occasions", "f1", _as_set("occasions"), 0.85),
    Metric("formality (exact)", "formality", "accuracy", _column("formality"), 0.70),
    Metric("formality (within ±1)", "formality", "within1", _column("formality"), 0.95),
    Metric("seasons (micro-F1)", "seasons", "f1", _as_set("seasons"), 0.80),
    Metric("fit", "fit", "accuracy", _column("fit")),
    Metric("style", "style", "accuracy", _column("style")),
    Metric("pattern", "pattern", "accuracy", _column("pattern")),
    Metric("fabric (main fibre)", "fabric", "accuracy", _main_fibre),
    Metric("colour (primary)", "colours", "accuracy", _primary_colour),
    Metric("compatible categories (micro-F1)", "compatible_categories", "f1",
           _as_set("compatible_categories")),
)
_COLUMNS = ("sku", "department", "category", "subcategory", "occasions", "formality", "seasons", "fit",
            "style", "pattern", "fabric", "colours", "compatible_categories", "attribute_sources",
            "attribute_confidence")


@dataclass
class Score:
    metric: str
    kind: Kind
    score: float
    baseline: float
    coverage: float  # share of products whose prediction is known
    goal: float | None
    met: bool | None
    products: int  # products scored (for accuracy_known: where both are known)
    sources: dict[str, int] = field(default_factory=dict)  # where the known values came from


@dataclass
class Calibration:
    high_n: int
    high_score: float | None  # mean per-value score where confidence ≥ HIGH_CONFIDENCE
    low_n: int
    low_score: float | None


@dataclass
class EnrichmentScores:
    language: str
    seed_products: int
    matched: int  # seed products found in the thin shop
    scores: list[Score]
    calibration: Calibration | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- pure scoring ---------------------------------------------------------------------------------

def _set_counts(pred: frozenset[str] | None, truth: frozenset[str] | None) -> tuple[int, int, int]:
    p, t = pred or frozenset(), truth or frozenset()
    return len(p & t), len(p), len(t)


def micro_f1(pairs: Iterable[tuple[frozenset[str] | None, frozenset[str] | None]]) -> float:
    """Micro-averaged F1 of predicted vs true sets; an unknown prediction is the empty set."""
    hit = predicted = true = 0
    for pred, truth in pairs:
        h, p, t = _set_counts(pred, truth)
        hit, predicted, true = hit + h, predicted + p, true + t
    return 2 * hit / (predicted + true) if predicted + true else 0.0


def _one(kind: Kind, pred: Any, truth: Any) -> float:
    """One product's score: 1/0 for accuracy, its own F1 for sets (used for calibration)."""
    if kind == "f1":
        h, p, t = _set_counts(pred, truth)
        return 2 * h / (p + t) if p + t else 0.0
    if pred is None:
        return 0.0
    if kind == "within1":
        return float(abs(int(pred) - int(truth)) <= 1)
    return float(pred == truth)


def score_pairs(kind: Kind, pairs: list[tuple[Any, Any]]) -> tuple[float, int]:
    """(score, products scored) of (prediction, truth) pairs; pairs with an unknown truth are skipped."""
    pairs = [(p, t) for p, t in pairs if t is not None]
    if kind == "accuracy_known":
        pairs = [(p, t) for p, t in pairs if p is not None]
    if not pairs:
        return 0.0, 0
    if kind == "f1":
        return micro_f1(pairs), len(pairs)
    return sum(_one(kind, p, t) for p, t in pairs) / len(pairs), len(pairs)


def majority(truths: list[Any]) -> Any:
    """The truth's most common value (a set counts as one value); ties go to the first seen."""
    known = [t for t in truths if t is not None]
    return Counter(known).most_common(1)[0][0] if known else None


def score_records(truth: dict[str, Record], predicted: dict[str, Record],
                  metrics: tuple[Metric, ...] = METRICS) -> list[Score]:
    """Score predictions (by seed SKU; a missing product is all unknown) against the truth."""
    rows = []
    for m in metrics:
        truths = [m.value(truth[sku]) for sku in truth]
        preds = [m.value(predicted[sku]) if sku in predicted else None for sku in truth]
        value, n = score_pairs(m.kind, list(zip(preds, truths, strict=True)))
        base = majority(truths)
        baseline, _ = score_pairs("accuracy" if m.kind == "accuracy_known" else m.kind,
                                  [(base, t) for t in truths])
        coverage = sum(p is not None for p in preds) / len(preds) if preds else 0.0
        sources = Counter(str((predicted[sku].get("attribute_sources") or {}).get(m.attribute, "?"))
                          for sku in truth if sku in predicted and m.value(predicted[sku]) is not None)
        rows.append(Score(m.name, m.kind, value, baseline, coverage, m.goal,
                          None if m.goal is None else value >= m.goal and value > baseline, n,
                          dict(sorted(sources.items()))))
    return rows


def calibration(truth: dict[str, Record], predicted: dict[str, Record],
                metrics: tuple[Metric, ...] = METRICS) -> Calibration | None:
    """Mean per-value score of values stated with confidence ≥ 0.8 vs below; None when the shop
    records no confidence (values without one are certain feed values and are left out)."""
    high: list[float] = []
    low: list[float] = []
    seen: set[tuple[str, str]] = set()
    for m in metrics:
        if m.kind == "within1":
            continue  # one score per value: formality counts once, exact
        for sku, rec in predicted.items():
            conf = (rec.get("attribute_confidence") or {}).get(m.attribute)
            pred = m.value(rec)
            if conf is None or pred is None or sku not in truth or (sku, m.attribute) in seen:
                continue
            seen.add((sku, m.attribute))
            (high if float(conf) >= HIGH_CONFIDENCE else low).append(_one(m.kind, pred, m.value(truth[sku])))
    if not high and not low:
        return None
    return Calibration(len(high), sum(high) / len(high) if high else None,
                       len(low), sum(low) / len(low) if low else None)


# --- reading the shops ----------------------------------------------------------------------------

def read_records(shop: Shop) -> dict[str, Record]:
    """Every listed product's scored attributes, by SKU."""
    columns = [getattr(Product, c) for c in _COLUMNS]
    with session_scope(shop.engine) as s:
        rows = s.execute(select(*columns).where(Product.retired.is_(False))).all()
    return {row[0]: dict(zip(_COLUMNS, row, strict=True)) for row in rows}


def variant_owners(shop: Shop) -> dict[str, str]:
    """variant id -> the SKU of the product that holds it."""
    with session_scope(shop.engine) as s:
        return dict(s.execute(select(Variant.id, Product.sku).join(Product, Product.id == Variant.product_id))
                    .tuples().all())


def to_seed_skus(seed: Shop, thin: Shop) -> dict[str, str]:
    """thin SKU -> seed SKU, through the variants both shops share."""
    seed_owner = variant_owners(seed)
    votes: dict[str, Counter[str]] = {}
    for variant_id, thin_sku in variant_owners(thin).items():
        if variant_id in seed_owner:
            votes.setdefault(thin_sku, Counter())[seed_owner[variant_id]] += 1
    return {thin_sku: c.most_common(1)[0][0] for thin_sku, c in votes.items()}


def score_shops(seed: Shop, thin: Shop, language: str) -> EnrichmentScores:
    truth = read_records(seed)
    thin_records = read_records(thin)
    mapping = to_seed_skus(seed, thin)
    predicted: dict[str, Record] = {}
    # a split group maps several thin products to one seed product: the first (in SKU order) speaks
    for thin_sku in sorted(mapping):
        if thin_sku in thin_records:
            predicted.setdefault(mapping[thin_sku], thin_records[thin_sku])
    return EnrichmentScores(language=language, seed_products=len(truth),
                            matched=sum(sku in predicted for sku in truth),
                            scores=score_records(truth, predicted), calibration=calibration(truth, predicted))
