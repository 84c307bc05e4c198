"""The eval report: one self-contained HTML page (no CDN, inline SVG) with the headline table,
breakdowns, the goal confusion matrix, a latency histogram and every failing case's transcript."""

from __future__ import annotations

from html import escape
from typing import Any

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1180px;
color:#1d2330;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde2ea}
table{border-collapse:collapse;margin:6px 0 12px}
th,td{border:1px solid #dde2ea;padding:4px 8px;text-align:right}
th{background:#f3f5f9}td:first-child,th:first-child{text-align:left}
.pass{color:#0b7a3e;font-weight:600}.fail{color:#b3261e;font-weight:600}.na{color:#7a8394}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff}
.badge.pass{background:#0b7a3e;color:#fff}.badge.fail{background:#b3261e;color:#fff}
details{border:1px solid #dde2ea;border-radius:6px;margin:6px 0;padding:6px 10px}
summary{cursor:pointer;font-weight:600}pre{white-space:pre-wrap;background:#f7f8fb;padding:8px;margin:4px 0}
.muted{color:#7a8394}.grid{display:flex;gap:28px;flex-wrap:wrap}
"""


def _fmt(value: Any, name: str = "") -> str:
    if value is None:
        return '<span class="na">n/a</span>'
    if isinstance(value, float):
        return f"{value:.1f}" if name.endswith("_ms") or name == "tool_calls_per_turn" else f"{value:.3f}"
    return escape(str(value))


def _status(passed: bool | None) -> str:
    if passed is None:
        return '<span class="na">report</span>'
    return '<span class="pass">pass</span>' if passed else '<span class="fail">FAIL</span>'


def _headline(summary: dict[str, Any]) -> str:
    rows = []
    for name, g in summary["gates"].items():
        bar = "" if g["bar"] is None else f"≥ {g['bar']:g}"
        rows.append(f"<tr><td>{escape(name)}</td><td>{_fmt(g['value'], name)}</td><td>{bar}</td>"
                    f"<td>{_status(g['passed'])}</td></tr>")
    return ('<table id="headline"><thead><tr><th>metric</th><th>value</th><th>bar</th><th>status</th></tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _breakdown(title: str, table: dict[str, dict[str, Any]], ident: str) -> str:
    if not table:
        return ""
    cols = list(next(iter(table.values())).keys())
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    body = "".join(
        f"<tr><td>{escape(k)}</td>" + "".join(f"<td>{_fmt(v.get(c), c)}</td>" for c in cols) + "</tr>"
        for k, v in table.items())
    return (f'<div><h3>{escape(title)}</h3><table id="{ident}"><thead><tr><th></th>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _confusion(matrix: dict[str, dict[str, int]]) -> str:
    if not matrix:
        return '<p class="muted">no goal expectations in this run</p>'
    labels = sorted(set(matrix) | {p for row in matrix.values() for p in row})
    peak = max((n for row in matrix.values() for n in row.values()), default=1)
    head = "".join(f'<th title="{escape(lab)}">{escape(lab[:10])}</th>' for lab in labels)
    rows = []
    for exp in labels:
        cells = []
        for pred in labels:
            n = matrix.get(exp, {}).get(pred, 0)
            alpha = 0 if n == 0 else 0.15 + 0.85 * n / peak
            hue = "11,122,62" if exp == pred else "179,38,30"
            cells.append(f'<td style="background:rgba({hue},{alpha:.2f})">{n or ""}</td>')
        rows.append(f"<tr><th>{escape(exp)}</th>{''.join(cells)}</tr>")
    return (f'<table id="confusion"><thead><tr><th>expected \\ predicted</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def latency_histogram_svg(latencies: list[float], bins: int = 20, width: int = 640, height: int = 200) -> str:
    """An inline SVG histogram of per-turn latency (ms)."""
    if not latencies:
        return '<p class="muted">no latencies recorded</p>'
    lo, hi = min(latencies), max(latencies)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in latencies:
        counts[min(bins - 1, int((v - lo) / span * bins))] += 1
    peak = max(counts)
    pad, bar_w = 36, (width - 48) / bins
    bars = []
    for i, n in enumerate(counts):
        h = (height - 50) * n / peak
        x, y = pad + i * bar_w, height - 30 - h
        label = f"{lo + i * span / bins:.0f}–{lo + (i + 1) * span / bins:.0f} ms: {n} turns"
        bars.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="#3d6fd1">'
                    f"<title>{label}</title></rect>")
    axis = (f'<line x1="{pad}" y1="{height - 30}" x2="{width - 12}" y2="{height - 30}" stroke="#555"/>'
            f'<text x="{pad}" y="{height - 12}" font-size="11">{lo:.0f} ms</text>'
            f'<text x="{width - 12}" y="{height - 12}" font-size="11" text-anchor="end">{hi:.0f} ms</text>'
            f'<text x="{pad}" y="14" font-size="11">{peak} turns</text>')
    return (f'<svg id="latency" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="latency histogram">{axis}{"".join(bars)}</svg>')


def _item_line(item: dict[str, Any]) -> str:
    stock = ", ".join(f"{s['location']}:{s['quantity']}" for s in item.get("availability", []))
    return (f"  [{item.get('slot')}] {item.get('sku')} {item.get('title')} size {item.get('size')} "
            f"€{item.get('price', {}).get('amount')} ({stock})")


def _transcript(record: dict[str, Any]) -> str:
    parts = []
    for i, turn in enumerate(record["turns"]):
        lines = [f"shopper: {turn['message']}"]
        result = turn.get("result")
        if result is None:
            lines.append(f"ERROR: {turn.get('error')}")
        else:
            goal = result["goal"]
            lines.append(f"goal: {goal['label']} ({goal['confidence']:.2f}), "
                         f"department {goal.get('department')}")
            lines.append(f"constraints: {result['constraints']}")
            for call in result.get("tool_calls", []):
                lines.append(f"tool: {call['name']}({call['args']}) -> {call['status']} {call['ms']:.0f} ms")
            for card in result.get("cards", []):
                if card["type"] == "sarto.outfit":
                    lines.append(f"outfit {card['goal']}/{card['department']} "
                                 f"total €{card['total']['amount']} fits_budget={card['fits_budget']} "
                                 f"fulfilment={card['fulfilment']}")
                    lines += [_item_line(it) for it in card["items"]]
                else:
                    lines.append(f"{card['type']} card")
            lines.append(f"sarto: {result['text']}")
            if result.get("question"):
                lines.append(f"question: {result['question']}")
        failed = [v for v in turn["verdicts"] if not v["passed"]]
        verdicts = "".join(f"<li><b>{escape(v['scorer'])}</b>: {escape(v['reason'])}</li>" for v in failed)
        parts.append(f"<p class='muted'>turn {i + 1} · {_fmt(turn.get('latency_ms'), 'latency_ms')} ms</p>"
                     f"<ul>{verdicts}</ul><pre>{escape(chr(10).join(lines))}</pre>")
    return "".join(parts)


def _failures(records: list[dict[str, Any]]) -> str:
    failing = [r for r in records if not r["passed"]]
    if not failing:
        return '<p class="pass">every case passed</p>'
    blocks = []
    for r in failing:
        scorers = sorted({v["scorer"] for t in r["turns"] for v in t["verdicts"] if not v["passed"]})
        blocks.append(f"<details class='case'><summary>{escape(r['case_id'])} · {escape(r['split'])} · "
                      f"{escape(r['language'])} · fails {escape(', '.join(scorers))}</summary>"
                      f"<p class='muted'>tags: {escape(', '.join(r['tags']))}</p>{_transcript(r)}</details>")
    return f"<p>{len(failing)} of {len(records)} cases fail</p>" + "".join(blocks)


def _enrichment(data: dict[str, Any] | None) -> str:
    """The thin round trip (`sarto eval-enrichment`, its enrichment.json beside summary.json): each
    score beside its majority-class baseline."""
    if not data:
        return ""
    blocks = []
    for scores in data["scores"]:
        rows = []
        for s in scores["scores"]:
            bar = "" if s["goal"] is None else f"≥ {s['goal']:g}"
            rows.append(f"<tr><td>{escape(s['metric'])}</td><td>{_fmt(s['score'])}</td>"
                        f"<td>{_fmt(s['baseline'])}</td><td>{_fmt(s['coverage'])}</td><td>{bar}</td>"
                        f"<td>{_status(s['met'])}</td></tr>")
        blocks.append(f"<div><h3>thin feed in {escape(scores['language'])} · {scores['matched']} of "
                      f"{scores['seed_products']} products</h3><table class=\"enrichment\"><thead><tr>"
                      "<th>attribute</th><th>score</th><th>baseline</th><th>coverage</th><th>goal</th>"
                      f"<th>status</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    cross = "".join(f"<tr><td>{escape(r['shop_language'])} only</td><td>{_fmt(r['same_recall'])}</td>"
                    f"<td>{_fmt(r['cross_recall'])}</td><td>{_fmt(r['ratio'])}</td>"
                    f"<td>{_status(r['ratio'] >= data['crosslang_goal'])}</td></tr>"
                    for r in data.get("crosslang", []))
    if cross:
        cross = ("<h3>cross-language search (recall@20)</h3><table id=\"crosslang\"><thead><tr><th>shop</th>"
                 "<th>same language</th><th>other language</th><th>ratio</th><th>status</th></tr></thead>"
                 f"<tbody>{cross}</tbody></table>")
    return (f"<h2>Enrichment (thin round trip)</h2><p class=\"muted\">{data['products']} seed products "
            "exported as a thin feed and imported; unknown counts as wrong (subcategory: where both are "
            "known); baseline = the most common true value for every product.</p>"
            f"<div class=\"grid\">{''.join(blocks)}</div>{cross}")


def render_report(summary: dict[str, Any], records: list[dict[str, Any]],
                  enrichment: dict[str, Any] | None = None) -> str:
    run = summary["run"]
    ok = summary["gates_passed"]
    badge = ('<span class="badge pass">gates pass</span>' if ok
             else '<span class="badge fail">gates fail</span>')
    latencies = [t["latency_ms"] for r in records for t in r["turns"] if t.get("latency_ms") is not None]
    judge = ""
    judged = [t["judge"] for r in records for t in r["turns"] if t.get("judge")]
    if judged:
        scores = [j["score"] for j in judged if isinstance(j.get("score"), int | float)]
        mean = sum(scores) / len(scores) if scores else None
        judge = (f"<h2>LLM judge (optional, not gated)</h2><p>{len(judged)} turns judged for tone and "
                 f"helpfulness; mean score {_fmt(mean)} / 5</p>")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sarto eval · {escape(str(run.get('suite')))} · {escape(str(run.get('planner')))}</title>
<style>{_CSS}</style></head><body>
<h1>Sarto evaluation {badge}</h1>
<p class="muted">suite <b>{escape(str(run.get('suite')))}</b> ·
planner <b>{escape(str(run.get('planner')))}</b> ·
{run.get('cases')} cases · {run.get('turns')} turns · {run.get('duration_s')} s ·
started {escape(str(run.get('started_at')))}</p>
<h2>Headline</h2>{_headline(summary)}
<h2>Breakdowns</h2><div class="grid">
{_breakdown("by split (held-out reported apart)", summary["by_split"], "by-split")}
{_breakdown("by language", summary["by_language"], "by-language")}</div>
{_breakdown("by goal", summary["by_goal"], "by-goal")}
<h2>Goal confusion matrix</h2>{_confusion(summary["confusion"])}
<h2>Latency per turn</h2>{latency_histogram_svg(latencies)}
{judge}
{_enrichment(enrichment)}
<h2>Failing cases</h2>{_failures(records)}
</body></html>
"""
