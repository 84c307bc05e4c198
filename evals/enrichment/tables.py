"""The round trip's tables as markdown people can paste (from `enrichment.json`'s data)."""

from __future__ import annotations

from typing import Any


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _met(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "NO")


def score_table(scores: dict[str, Any]) -> str:
    lines = [f"Thin feed in **{scores['language']}**: {scores['matched']:,} of {scores['seed_products']:,} "
             "seed products found after the import.", "",
             "| attribute | score | baseline | coverage | goal | met? | sources |",
             "|---|---:|---:|---:|---:|:---:|---|"]
    for s in scores["scores"]:
        goal = "" if s["goal"] is None else f"≥ {s['goal']:g}"
        sources = ", ".join(f"{k} {v}" for k, v in s["sources"].items()) or "—"
        lines.append(f"| {s['metric']} | {_num(s['score'])} | {_num(s['baseline'])} | "
                     f"{_num(s['coverage'])} | {goal} | {_met(s['met'])} | {sources} |")
    cal = scores.get("calibration")
    if cal:
        lines += ["", f"Confidence: {cal['high_n']:,} values at ≥ 0.8 score {_num(cal['high_score'])}; "
                      f"{cal['low_n']:,} values below 0.8 score {_num(cal['low_score'])}."]
    else:
        lines += ["", "Confidence: the imported products record none."]
    return "\n".join(lines)


def crosslang_table(rows: list[dict[str, Any]], goal: float) -> str:
    lines = ["| shop exported in | queries | same-language recall@20 | cross-language recall@20 | "
             "cross / same | goal | met? |", "|---|---:|---:|---:|---:|---:|:---:|"]
    for r in rows:
        lines.append(f"| {r['shop_language']} only | {r['queries']} | {_num(r['same_recall'])} | "
                     f"{_num(r['cross_recall'])} | {_num(r['ratio'])} | ≥ {goal:g} | "
                     f"{_met(r['ratio'] >= goal)} |")
    return "\n".join(lines)


def replay_table(replay: dict[str, dict[str, Any]]) -> str:
    shops = list(replay)
    bars = next(iter(replay.values())).get("bars", {})
    lines = ["| metric | " + " | ".join(shops) + " | bar |", "|---|" + "---:|" * (len(shops) + 1)]
    for name, bar in bars.items():
        cells = " | ".join(_num(replay[shop].get(name)) for shop in shops)
        lines.append(f"| {name} | {cells} | {'' if bar is None else f'≥ {bar:g}'} |")
    return "\n".join(lines)


def enrichment_markdown(data: dict[str, Any]) -> str:
    parts = [f"## Enrichment (thin round trip): {data['products']:,} seed products, seed {data['seed']}", "",
             "Unknown counts as wrong in every score but subcategory's (scored where both sides know it); "
             "coverage is the share of products where the value is known; baseline is the truth's most "
             "common value (or set) for every product.", ""]
    for scores in data["scores"]:
        parts += [score_table(scores), ""]
    if data.get("crosslang"):
        parts += ["### Cross-language search", "", crosslang_table(data["crosslang"], data["crosslang_goal"]),
                  ""]
    if data.get("ceiling"):
        c = data["ceiling"]
        parts += ["### Ceiling: what the thin feed can tell", "",
                  f"A lookup learned *with the true labels* from {c['trained_on']:,} generated products "
                  "(another seed), reading only what the thin feed shows (kind, fabric, cut, pattern, "
                  "colours, brand), scored on the same seed shop. The seed draws formality at random "
                  "inside an occasion profile, so part of it leaves no trace in the feed.", "",
                  "| attribute | ceiling |", "|---|---:|",
                  f"| formality (exact) | {_num(c['formality_exact'])} |",
                  f"| formality (within ±1) | {_num(c['formality_within1'])} |",
                  f"| occasions (micro-F1) | {_num(c['occasions_f1'])} |", ""]
    if data.get("replay"):
        parts += ["### The evaluation suite on each shop (deterministic planner, all cases)", "",
                  replay_table(data["replay"]), ""]
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in data.get("timings_s", {}).items())
    parts.append(f"Timings: {timings}")
    return "\n".join(parts)
