"""`sarto bench turn`: a full deterministic turn (goal → complete outfit with availability → text)
over distinct shoppers and messages, on benchmark catalogs of several sizes.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from evals.metrics import percentile_or_nan as pct
from tools.catalog.index import catalog_index
from tools.db.engine import session_scope
from tools.db.models import Product

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)

# Messages a shopper would type, by goal; budgets, sizes and cities vary per turn.
_MESSAGES = {
    "job_interview": ["Ciao, mi aiuti? Ho un colloquio di lavoro", "I have a job interview next week",
                      "cosa metto per un colloquio in banca?"],
    "wedding_guest": ["Sono invitato a un matrimonio", "outfit for a wedding, please",
                      "mi serve un look per le nozze di mia cugina"],
    "casual_weekend": ["qualcosa di casual per il weekend", "relaxed weekend outfit",
                       "un look comodo per il fine settimana"],
    "sport_training": ["outfit per la palestra", "I need gym clothes", "vestiti per allenamento e corsa"],
    "rainy_days": ["piove sempre, mi serve un look per la pioggia", "something for rainy days"],
    "winter_cold": ["fa freddo, mi serve un look invernale", "warm outfit for the winter cold"],
    "office_everyday": ["look per l'ufficio di tutti i giorni", "everyday office outfit"],
    "business_travel": ["parto per un viaggio di lavoro", "business trip outfit"],
}
_CITIES = ["Milano", "Roma", "Napoli", "Torino", "Firenze", "Bologna", "Trieste", "Lecce", None]
_SIZES = {"menswear": ["taglia 48", "taglia 50", "taglia 52", "size 50 and shoes 43", "taglia 50, scarpe 42"],
          "womenswear": ["taglia 42", "taglia 44", "size 40, shoes 38", "taglia 42 e scarpe 39"]}


# Corrections after the first look, one per thread in turn (issue 13's refinement turns).
_REFINEMENTS = ("Mostrami un'altra giacca", "non mi piace il nero", "qualcosa di più economico",
                "other shoes please", "mostrami altre opzioni", "togli la cintura")


def _turns(shop: Any, count: int, seed: int) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    with session_scope(shop.engine) as s:
        skus = {dept: list(s.scalars(select(Product.sku).where(Product.department == dept)
                                     .order_by(Product.id).limit(4000)))
                for dept in ("menswear", "womenswear")}
    turns = []
    for i in range(count):
        goal = rnd.choice(list(_MESSAGES))
        dept = rnd.choice(["menswear", "womenswear"])
        parts = [rnd.choice(_MESSAGES[goal]), rnd.choice(_SIZES[dept])]
        if rnd.random() < 0.6:
            parts.append(rnd.choice(["budget {} euro", "sotto i {}", "under {}", "max {}€"]).format(
                rnd.choice([150, 250, 400, 600, 900])))
        city = rnd.choice(_CITIES)
        if city:
            parts.append(rnd.choice(["ritiro a {}", "pickup in {}", "sono a {}"]).format(city))
        parts.append("uomo" if dept == "menswear" else "donna")
        events = [{"type": "product_view", "sku": rnd.choice(skus[dept]),
                   "at": (NOW - timedelta(days=rnd.uniform(0, 10))).isoformat()}
                  for _ in range(rnd.randint(0, 6))]
        turns.append({"shopper": f"bench-{seed}-{i}", "message": ", ".join(parts), "events": events})
    return turns


def run_turn_benchmark(counts: list[int], turns: int, workdir: Path) -> list[dict[str, Any]]:

    from agent.assistant import Assistant
    from agent.events import TurnRequest
    from agent.settings import Settings
    from evals.bench_search import _build as bench_shop

    rows = []
    for n in counts:
        shop, _facts = bench_shop(n, workdir)
        settings = Settings(data_dir=shop.data_dir, database_url=None)
        # the default SQLite checkpointer, as `sarto serve` runs it
        assistant = Assistant.open(settings, shop)
        catalog_index(shop)  # load the index before timing: a served shop has it open
        warm = TurnRequest(shopper_id="bench-warm", thread_id="bench-warm", message="colloquio, taglia 50",
                           now=NOW)
        assistant.run(warm)
        walls, cpus, nodes, refines = [], [], [], []
        for i, turn in enumerate(_turns(shop, turns, seed=n)):
            thread = f"bench-{uuid.uuid4().hex[:10]}"
            request = TurnRequest.model_validate({
                "shopper_id": turn["shopper"], "thread_id": thread,
                "message": turn["message"], "events": turn["events"], "now": NOW})
            cpu0, wall0 = time.process_time(), time.perf_counter()
            result = assistant.run(request)
            walls.append((time.perf_counter() - wall0) * 1000)
            cpus.append((time.process_time() - cpu0) * 1000)
            nodes.append(result.timings_ms)
            # the same thread's correction: it reuses what the thread knows (goal, sizes, look)
            correction = TurnRequest.model_validate({
                "shopper_id": turn["shopper"], "thread_id": thread, "now": NOW,
                "message": _REFINEMENTS[i % len(_REFINEMENTS)]})
            wall0 = time.perf_counter()
            assistant.run(correction)
            refines.append((time.perf_counter() - wall0) * 1000)
        rows.append({"products": n, "turns": turns, "p50_ms": pct(walls, 50), "p95_ms": pct(walls, 95),
                     "refine_p50_ms": pct(refines, 50), "refine_p95_ms": pct(refines, 95),
                     "cpu_ms_mean": statistics.fmean(cpus),
                     "nodes_p50": {k: pct([t.get(k, 0.0) for t in nodes], 50)
                                   for k in ("load_context", "infer_goal", "plan", "tools", "compose")}})
    sys.stdout.write(format_table(rows) + "\n")  # plain markdown: rich would wrap the table
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    lines = ["| products | turns | p50 ms | p95 ms | refinement p50 | refinement p95 | CPU ms/turn "
             "| load_context | infer_goal | plan | tools | compose |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        n = r["nodes_p50"]
        lines.append(f"| {r['products']:,} | {r['turns']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                     f"{r['refine_p50_ms']:.1f} | {r['refine_p95_ms']:.1f} | {r['cpu_ms_mean']:.1f} | "
                     f"{n['load_context']:.1f} | {n['infer_goal']:.1f} | "
                     f"{n['plan']:.1f} | {n['tools']:.1f} | {n['compose']:.1f} |")
    return "\n".join(lines)
