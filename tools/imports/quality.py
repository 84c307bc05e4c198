"""The data-quality report: what a feed lacks for Merchant Center and for the stylist, as JSON and
as one self-contained HTML page (inline SVG bars, no scripts, every value escaped).

It reads the catalog as it is now (after the import, or without one for `sarto quality`) and adds
the import's own counts and per-row problems.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Store, Variant
from tools.db.shop import Shop
from tools.taxonomy import ENRICHED_ATTRIBUTES, GOALS, LOCATION_ONLINE

TITLE_MIN, TITLE_MAX = 15, 150
EXAMPLES = 20  # products listed per finding
UNSURE = 0.6  # a derived value below this confidence is counted as unsure
COVERAGE = ("department", "category", "colours", "fabric", "pattern", "brand", "description_it", "image",
            "link", "occasions", "seasons", "formality", "fit", "style", "compatible_categories")


def _dressable() -> dict[str, set[str]]:
    """department → categories some look can use."""
    out: dict[str, set[str]] = {}
    for goal in GOALS.values():
        for department, (required, optional) in goal.slots.items():
            for slot in (*required, *optional):
                out.setdefault(department, set()).update(slot.categories)
    return out


def _known(value: Any) -> bool:
    return value not in (None, "", [], {})


def catalog_findings(shop: Shop) -> dict[str, Any]:
    """Findings over the live (not retired) catalog."""
    dressable = _dressable()
    coverage: Counter[str] = Counter()
    never: list[dict[str, str]] = []
    titles: dict[str, list[str]] = {"too_short": [], "too_long": [], "all_caps": []}
    images: dict[str, list[str]] = {"missing": [], "malformed": []}
    merchant: dict[str, list[str]] = {"color": [], "gender": [], "age_group": [], "size": []}
    bad_price: list[str] = []
    products = 0
    columns = [getattr(Product, c) for c in (*COVERAGE, "sku", "title_it", "price", "origin", "gender",
                                              "age_group", "id", "attribute_sources", "attribute_confidence")]
    sources: dict[str, Counter[str]] = {a: Counter() for a in ENRICHED_ATTRIBUTES}
    sure_sum: dict[str, float] = dict.fromkeys(ENRICHED_ATTRIBUTES, 0.0)
    unsure: Counter[str] = Counter()
    with session_scope(shop.engine) as s:
        # variants of feed products, read once: (product id) -> any colour named / a size without a run
        coloured = set(s.scalars(select(Variant.product_id).where(Variant.colour.is_not(None)).distinct()))
        sizeless = set(s.scalars(select(Variant.product_id).where(Variant.size == "TU",
                                                                  Variant.size_system == "").distinct()))
        live = select(*columns).where(Product.retired.is_(False)).execution_options(yield_per=5000)
        for p in s.execute(live):
            products += 1
            for attr in COVERAGE:
                coverage[attr] += _known(getattr(p, attr))
            said, sure = p.attribute_sources or {}, p.attribute_confidence or {}
            for attr in ENRICHED_ATTRIBUTES:
                if attr in said:
                    confidence = float(sure.get(attr, 1.0))
                    sources[attr][str(said[attr])] += 1
                    sure_sum[attr] += confidence
                    unsure[attr] += confidence < UNSURE
            if p.department is None or p.category is None:
                never.append({"sku": p.sku, "reason": "unknown " + ("department" if p.department is None
                                                                    else "category")})
            elif p.category not in dressable.get(p.department, set()):
                never.append({"sku": p.sku, "reason": f"no look uses {p.category} in {p.department}"})
            title = p.title_it or ""
            if len(title) < TITLE_MIN:
                titles["too_short"].append(p.sku)
            if len(title) > TITLE_MAX:
                titles["too_long"].append(p.sku)
            if len(title) > 5 and title.isupper():
                titles["all_caps"].append(p.sku)
            if not p.image:
                images["missing"].append(p.sku)
            elif not p.image.startswith(("https://", "http://", "/")):
                images["malformed"].append(p.sku)
            if p.price is None or p.price <= 0:
                bad_price.append(p.sku)
            if p.origin == "feed":
                if not p.colours and p.id not in coloured:
                    merchant["color"].append(p.sku)
                if not p.gender:
                    merchant["gender"].append(p.sku)
                if not p.age_group:
                    merchant["age_group"].append(p.sku)
                if p.id in sizeless:
                    merchant["size"].append(p.sku)
        unsized = s.scalars(select(Variant.id).join(Product).where(
            Product.retired.is_(False), Variant.size_system == "").limit(EXAMPLES)).all()
        unsized_n = s.scalar(select(func.count()).select_from(Variant).join(Product).where(
            Product.retired.is_(False), Variant.size_system == "")) or 0
        totals = {
            "products": products,
            "retired": s.scalar(select(func.count()).select_from(Product)
                                .where(Product.retired.is_(True))) or 0,
            "variants": s.scalar(select(func.count()).select_from(Variant)) or 0,
            "stores": s.scalar(select(func.count()).select_from(Store)) or 0,
            "store_stock_rows": s.scalar(select(func.count()).select_from(Inventory)
                                         .where(Inventory.location != LOCATION_ONLINE)) or 0,
        }

    def finding(skus: list[str]) -> dict[str, Any]:
        return {"count": len(skus), "examples": skus[:EXAMPLES]}

    return {
        "totals": totals,
        "coverage": {a: round(coverage[a] / products, 3) if products else 0.0 for a in COVERAGE},
        # where each attribute's values came from, and how sure they are (1.0: the seed's or retailer's own)
        "confidence": {a: {"known": sum(sources[a].values()), "sources": dict(sources[a].most_common()),
                           "mean_confidence": round(sure_sum[a] / sum(sources[a].values()), 3)
                           if sources[a] else None,
                           "unsure": unsure[a]} for a in ENRICHED_ATTRIBUTES},
        "never_in_an_outfit": {"count": len(never), "examples": never[:EXAMPLES],
                               "by_reason": dict(Counter(n["reason"] for n in never).most_common(10))},
        "merchant_apparel_missing": {k: finding(v) for k, v in merchant.items()},
        "titles": {k: finding(v) for k, v in titles.items()},
        "image_links": {k: finding(v) for k, v in images.items()},
        "invalid_prices": finding(bad_price),
        "sizes_without_a_size_system": {"count": unsized_n, "examples": list(unsized)},
    }


def write_report(shop: Shop, out: Path, *, kind: str | None = None, counts: dict[str, int] | None = None,
                 problems: list[dict[str, Any]] | None = None, error: str | None = None,
                 dry_run: bool = False) -> dict[str, Any]:
    """Write `report.json` and `report.html` into `out`; return the report."""
    report: dict[str, Any] = {"catalog": catalog_findings(shop)}
    if kind is not None:
        problems = problems or []
        report["import"] = {
            "kind": kind, "dry_run": dry_run, "error": error, "counts": counts or {},
            "problems_by_reason": dict(Counter(_reason_kind(p) for p in problems).most_common(20)),
            "problems": problems}
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str),
                                     encoding="utf-8")
    (out / "report.html").write_text(render_html(report), encoding="utf-8")
    return report


def _reason_kind(problem: dict[str, Any]) -> str:
    field = problem.get("field") or "row"
    return f"{field}: {str(problem.get('reason', '')).split(':')[0][:60]}"


_e = html.escape


def _bar(label: str, share: float) -> str:
    width = round(share * 300)
    colour = "#2e7d32" if share >= 0.9 else "#f9a825" if share >= 0.5 else "#c62828"
    return (f'<div class="bar"><span>{_e(label)}</span><svg width="310" height="14" role="img" '
            f'aria-label="{share:.0%}"><rect width="300" height="14" fill="#eee"/>'
            f'<rect width="{width}" height="14" fill="{colour}"/></svg> {share:.0%}</div>')


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(str(r.get(c, '') or ''))}</td>" for c in columns) + "</tr>"
                   for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_html(report: dict[str, Any]) -> str:
    cat = report["catalog"]
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Sarto catalog quality"
             "</title><style>body{font:14px system-ui;margin:2rem;max-width:70rem}.bar{display:flex;"
             "gap:.5rem;align-items:center}.bar span{width:14rem}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}.err{color:#c62828}</style>"
             "</head><body><h1>Catalog quality</h1>"]
    imp = report.get("import")
    if imp:
        verdict = ("dry run: nothing written" if imp["dry_run"] else "applied") if not imp["error"] \
            else "failed: nothing was applied"
        parts.append(f"<h2>Import of {_e(imp['kind'])}: {_e(verdict)}</h2>")
        if imp["error"]:
            parts.append(f"<p class='err'>{_e(imp['error'])}</p>")
        parts.append(_table([imp["counts"]], tuple(imp["counts"])) if imp["counts"] else "")
        if imp["problems"]:
            parts.append(f"<h3>Rows with problems ({len(imp['problems'])})</h3>")
            parts.append(_table(imp["problems"][:1000], ("line", "id", "field", "severity", "reason")))
    parts.append("<h2>Catalog</h2>" + _table([cat["totals"]], tuple(cat["totals"])))
    parts.append("<h2>Attribute coverage</h2>")
    parts += [_bar(k, v) for k, v in cat["coverage"].items()]
    if "confidence" in cat:
        parts.append(f"<h2>How sure the attributes are</h2><p>Mean confidence of the known values; "
                     f"sources: seed, feed (the retailer's own), rules (read from the feed's words), model "
                     f"(MiniLM), llm. Values under {UNSURE:.0%} rank below sure ones.</p>")
        for attr, row in cat["confidence"].items():
            if row["known"]:
                mix = ", ".join(f"{k} {v:,}" for k, v in row["sources"].items())
                parts.append(_bar(attr, row["mean_confidence"]) + f"<small>{_e(mix)}; {row['unsure']:,} "
                                                                   "unsure</small>")
    never = cat["never_in_an_outfit"]
    parts.append(f"<h2>Products that can never appear in an outfit: {never['count']}</h2>")
    parts.append(_table([{"reason": k, "products": v} for k, v in never["by_reason"].items()],
                        ("reason", "products")))
    for title, key in (("Merchant apparel requirements missing", "merchant_apparel_missing"),
                       ("Titles", "titles"), ("Image links", "image_links")):
        rows = [{"finding": k, "products": v["count"], "examples": ", ".join(v["examples"][:8])}
                for k, v in cat[key].items()]
        parts.append(f"<h2>{_e(title)}</h2>" + _table(rows, ("finding", "products", "examples")))
    for title, key in (("Invalid or zero prices", "invalid_prices"),
                       ("Sizes that fit no size system", "sizes_without_a_size_system")):
        v = cat[key]
        parts.append(f"<h2>{_e(title)}: {v['count']}</h2><p>{_e(', '.join(v['examples'][:20]))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
