"""Which lines the answer has, given the intent and this turn's tool results (rendered by
agent/answer/render.py from the records, never typed by a model)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent.answer import render as c
from agent.answer.moment import moment_line, opening_line
from agent.state import StylistState
from prompts.loader import say


def answer_lines(state: StylistState, language: str,
                 store_hours: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[list[str], str | None]:
    """The answer's lines and, when the turn asks one, the question (`store_hours`: the stores'
    opening hours by code, from their records)."""
    intent = state.get("intent", "outfit")
    results: dict[str, Any] = state.get("results") or {}
    lines: list[str] = []

    if intent == "refuse":
        lines.append(say(language, "refuse"))
        question = c.question_for(state, language)
        if question:
            lines.append(question)
        return lines, question

    if "reserve_in_store" in results:
        return c.reservation_lines(results["reserve_in_store"], language, state.get("last_outfit")), None
    if intent == "reserve" and not state.get("last_outfit"):
        lines.append(say(language, "reserve_nothing"))

    if "list_reservations" in results:
        return _reservations(results["list_reservations"], language), None
    if "cancel_reservation" in results:
        res = results["cancel_reservation"]
        if res.get("status") in ("cancelled", "ok"):
            return [say(language, "reservation_cancelled", code=res.get("pickup_code", ""))], None
        return [say(language, "reservations_none")], None

    if "find_nearby_stores" in results:
        return _stores(results["find_nearby_stores"], state.get("message", ""), language), None
    if "check_availability" in results:
        lines.extend(_availability(state, language))

    outfit = results.get("assemble_outfit")
    if outfit:
        lines.extend(_outfit(outfit, results, state, intent, language, store_hours or {}))
    elif "search_products" in results:
        found = results["search_products"]
        if found.get("status") == "ok":
            lines.append(say(language, "products_intro"))
            for hit in found.get("hits", [])[:5]:
                title = hit["title_en"] if language == "en" else hit["title_it"]
                lines.append(f"• {title} – {c.eur(hit['price']['amount'], language)}")
        else:
            lines.append(say(language, "products_none"))

    constraints = state.get("constraints") or {}
    said = constraints.get("size_said") or {}
    sizes = constraints.get("sizes") or {}
    if said and outfit:
        lines.insert(0, say(language, "sizes_converted", sizes=", ".join(
            f"{v} → {k} {sizes[k]}" for k, v in sorted(said.items()) if k in sizes)))
    derived = _derived_sizes(outfit, sizes, language) if outfit else None
    if derived:  # before the closing offer, so the answer still ends on its question
        lines.insert(len(lines) - 1 if lines and lines[-1].endswith("?") else len(lines), derived)
    # With the goal unknown the turn always ends on one question, even after showing products.
    question = None
    if constraints.get("ambiguous_sizes"):  # "size 8" for a woman: US or UK, dress or shoes? ask
        question = say(language, "ambiguous_size", label=constraints["ambiguous_sizes"][0])
        lines.append(question)
        return lines, question
    if not lines or ((state.get("goal") or {}).get("label", "unknown") == "unknown" and intent != "reserve"):
        question = c.question_for(state, language)
        if question:
            lines.append(question)
    return lines, question


def _outfit(plan: dict[str, Any], results: dict[str, Any], state: StylistState, intent: str,
            language: str, store_hours: Mapping[str, Mapping[str, Any]]) -> list[str]:
    card = plan.get("card") or plan.get("closest")
    if not card or not card.get("items"):
        return [say(language, "nothing_found")]
    constraints = state.get("constraints") or {}
    lines = _refinement_lines(plan, card, state, language)
    if intent == "cheaper" and "previous_total" not in plan:
        lines.append(say(language, "cheaper_intro"))
    partial = bool(constraints.get("only_slots"))
    plan = {**plan, "constraints_sizes": constraints.get("sizes") or {},
            "origin_city": _origin_city(state)}
    lines.extend(c.outfit_lines(card, plan, language, partial))
    store = card.get("fulfilment")
    if store not in (None, "online") and all(i.get("size") for i in card["items"]):
        opening = opening_line(store_hours.get(str(store)), state.get("moment"), language)
        if opening:  # right after the line naming the store
            lines.append(opening)
    lines.extend(_owned(plan.get("owned") or [], language))
    alts = results.get("find_budget_alternatives")
    alt_line = c.alternatives_line(alts, card, language) if alts and alts.get("items") else None
    if alt_line is None:
        alt_line = _inline_alternatives(card, language)
    if alt_line:
        lines.append(alt_line)
    elif intent == "cheaper" and "previous_total" not in plan:
        lines.append(say(language, "no_cheaper"))
    context = moment_line(state.get("moment"), card.get("goal"), language)
    if context:
        lines.append(context)
    if card.get("fits_budget", True) and all(i.get("size") for i in card["items"]) and _pickup_possible(card):
        lines.append(say(language, "reserve_offer"))
    return lines


def _owned(owned: list[dict[str, Any]], language: str) -> list[str]:
    """A piece the shopper bought that goes with the look: named with where they bought it, and
    what the look would cost without the piece it can stand in for (summed by the tool)."""
    lines = []
    for piece in owned[:1]:  # one, the newest: a stylist's remark, not an inventory
        title = str(piece["title_en"] if language == "en" else piece["title_it"]).split(",")[0]
        where = (say(language, "owned_store", store=piece["store"]) if piece.get("store")
                 else say(language, "owned_online"))
        lines.append(say(language, "owned_fits", piece=title, where=where,
                         slot=c.slot_name(piece["slot"], language),
                         new_total=c.eur(piece["total_without"], language)))
    return lines


def _derived_sizes(plan: dict[str, Any], sizes: dict[str, str], language: str) -> str | None:
    """Pieces dressed in the equivalent of the size the shopper gave in the other system ("la
    camicia in L, che corrisponde alla tua 50"), said so the shopper can correct it."""
    card = plan.get("card") or plan.get("closest") or {}
    other = {"INT": "IT", "IT": "INT"}
    pieces = []
    for item in card.get("items", []):
        size = str(item.get("size") or "")
        system = "INT" if size in ("XS", "S", "M", "L", "XL", "XXL") else ("IT" if size.isdigit() else None)
        if system is None or system in sizes or other[system] not in sizes:
            continue
        if system == "IT" and item.get("slot") == "shoes":
            continue
        slot = c.slot_name(item["slot"], language)
        pieces.append(say(language, "size_derived_piece", slot=slot, size=size))
    if not pieces:
        return None
    given = sizes.get("IT") or sizes.get("INT")
    return say(language, "sizes_derived", pieces=", ".join(pieces), given=given)


def _slots(keys: list[str], language: str) -> str:
    return ", ".join(c.slot_name(k, language) for k in keys)


def _refinement_lines(plan: dict[str, Any], card: dict[str, Any], state: StylistState,
                      language: str) -> list[str]:
    """What changed since the last look, said before the look: the swap, the saving, the tone."""
    lines: list[str] = []
    refinement = state.get("refinement") or {}
    if plan.get("formality_shift"):
        lines.append(say(language, "less_formal" if plan["formality_shift"] < 0 else "more_formal"))
    if plan.get("swapped"):
        key = "swap_repeated" if plan.get("repeated") else "swap_done"
        lines.append(say(language, key, slots=_slots(plan["swapped"], language)))
    elif plan.get("more"):
        lines.append(say(language, "more_repeated" if plan.get("repeated") else "more_intro"))
    if refinement.get("drop_slots"):
        lines.append(say(language, "dropped", slots=_slots(refinement["drop_slots"], language)))
    shown = {i["slot"] for i in card.get("items", [])}
    added = [s for s in refinement.get("add_slots") or [] if s in shown]
    if added:
        lines.append(say(language, "added", slots=_slots(added, language)))
    if "previous_total" in plan:
        before, now = plan["previous_total"], float(card["total"]["amount"])
        saved = round(before - now, 2)
        if saved <= 0:
            lines.append(say(language, "cheaper_none"))
        else:
            key = "cheaper_short" if plan.get("cheaper_short") else "cheaper_saved"
            lines.append(say(language, key, total=c.eur(now, language), saved=c.eur(saved, language),
                             pct=f"{100 * saved / before:.0f}"))
    return lines


def _origin_city(state: StylistState) -> str | None:
    """The city distances are measured from, when the shopper named one rather than sharing where
    they are (then the answer says "from Naples", never "from you")."""
    request = state.get("request_context") or {}
    if request.get("lat") is not None and request.get("lon") is not None:
        return None
    location = (state.get("constraints") or {}).get("location") or {}
    if location.get("lat") is not None:
        return None
    return location.get("city") or request.get("city") or None


def _pickup_possible(card: dict[str, Any]) -> bool:
    """Whether one store holds every piece: only then is reserve-for-pickup offered."""
    if card.get("fulfilment") not in (None, "online"):
        return True
    common: set[str] | None = None
    for item in card.get("items", []):
        here = {s["location"] for s in item.get("availability", [])
                if s["location"] != "online" and s.get("quantity", 0) > 0}
        common = here if common is None else common & here
    return bool(common)


def _inline_alternatives(card: dict[str, Any], language: str) -> str | None:
    """The card's own cheaper alternative for its priciest piece, when it has one."""
    alternatives: dict[str, list[dict[str, Any]]] = card.get("alternatives") or {}
    best: list[dict[str, Any]] = []
    for item in sorted(card["items"], key=lambda i: -float(i["price"]["amount"])):
        price = float(item["price"]["amount"])
        enough = min(price * 0.15, 30.0)  # a saving the shopper notices (tools.outfits.alternatives)
        cheaper = [a for a in alternatives.get(item["slot"], [])
                   if price - float(a["price"]["amount"]) >= enough - 1e-9]
        if cheaper:
            best.append(min(cheaper, key=lambda a: float(a["price"]["amount"])))
        if len(best) == 2:
            break
    if not best:
        return None
    return c.alternatives_line({"items": best}, card, language)


def _availability(state: StylistState, language: str) -> list[str]:
    result = state["results"]["check_availability"]
    status = result.get("status")
    title = result.get("title") or result.get("sku", "")
    size = result.get("size") or "—"
    if status == "not_found":
        return [say(language, "availability_unknown_product", sku=result.get("sku", ""))]
    if status == "unknown_size":
        return [say(language, "availability_unknown_size", title=title, size=size,
                    sizes=", ".join(result.get("size_range") or []) or "—")]
    if status == "out_of_stock" and not result.get("size"):
        return [say(language, "availability_none_any_size", title=title)]
    if status == "out_of_stock":
        return [say(language, "availability_none", title=title, size=size)]
    if status != "ok":
        return []
    lines = []
    locations = [s for s in result.get("locations", []) if s.get("quantity", 0) > 0]
    if not locations:
        return [say(language, "availability_none", title=title, size=size)]
    where = []
    for stock in locations[:4]:
        if stock["location"] == "online":
            where.append(say(language, "availability_online", qty=stock["quantity"]))
        else:
            km = stock.get("distance_km")
            store = stock.get("store_name") or stock["location"]
            where.append(say(language, "availability_store", store=store, qty=stock["quantity"],
                             km=f"{km:.0f}" if km is not None else "?"))
    lines.append(say(language, "availability_line", title=title, size=size, where="; ".join(where)))
    return lines


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hours(hours: dict[str, Any], language: str) -> str:
    """Opening hours from the store record, consecutive days with the same hours together."""
    names = say(language, "day_names").split(",")
    groups: list[tuple[int, int, Any]] = []
    for i, day in enumerate(_DAYS):
        value = hours.get(day)
        if groups and groups[-1][2] == value and groups[-1][1] == i - 1:
            groups[-1] = (groups[-1][0], i, value)
        else:
            groups.append((i, i, value))
    parts = []
    for first, last, value in groups:
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        parts.append(f"{days} {value[0]}–{value[1]}" if value else f"{days} {say(language, 'closed')}")
    return ", ".join(parts)


def _stores(result: dict[str, Any], message: str, language: str) -> list[str]:
    """Store questions answered from the store records: address, hours, services, distance."""
    stores = result.get("stores") or []
    if not stores:
        return [say(language, "stores_none")]
    near = [s for s in stores if s.get("distance_km") is not None and s["distance_km"] < 20]
    lines = []
    for store in (near or stores)[:3]:  # a city named or nearby: its stores, not the next towns'
        services = ", ".join(say(language, f"service_{s}") for s in store.get("services", []))
        km = store.get("distance_km")
        lines.append(say(language, "store_line", name=store["name"], address=store["address"],
                         hours=_hours(store.get("hours") or {}, language), services=services or "—",
                         distance=" " + say(language, "store_km", km=f"{km:.0f}") if km is not None else ""))
    return lines


def _reservations(result: dict[str, Any], language: str) -> list[str]:
    found = [r for r in result.get("reservations", []) if r.get("status") == "held"]
    if not found:
        return [say(language, "reservations_none")]
    parts = [say(language, "reservation_line", code=r.get("pickup_code", ""),
                 store=r.get("store_name") or r.get("store_code", ""),
                 total=c.eur(r.get("total", 0), language),
                 deadline=c._deadline(r.get("expires_at"), language), status=r.get("status"))
             for r in found]
    return [say(language, "reservations_list", items="; ".join(parts))]
