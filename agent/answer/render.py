"""compose: the answer's text, written from templates and tool records only.

Every price, total, size and distance in the text is read from a tool result of this turn, so the
deterministic path cannot state a number the records do not hold.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from agent.state import StylistState
from prompts.loader import say
from tools.taxonomy import DEPARTMENTS, GOALS, UNKNOWN_GOAL

_SLOT_NAMES = {
    "it": {"jacket": "giacca", "trousers": "pantaloni", "shirt": "camicia", "shoes": "scarpe",
           "tie": "cravatta", "belt": "cintura", "suit": "abito", "dress": "vestito", "top": "top",
           "knitwear": "maglia", "coat": "capospalla", "skirt": "gonna", "bag": "borsa",
           "scarf": "sciarpa", "hat": "cappello", "swimwear": "costume"},
    "en": {"jacket": "jacket", "trousers": "trousers", "shirt": "shirt", "shoes": "shoes",
           "tie": "tie", "belt": "belt", "suit": "suit", "dress": "dress", "top": "top",
           "knitwear": "knitwear", "coat": "outerwear", "skirt": "skirt", "bag": "bag",
           "scarf": "scarf", "hat": "hat", "swimwear": "swimwear"},
}


_SIZE_SYSTEM_NAMES = {
    "it": {"IT": "taglia italiana, es. 50", "INT": "S–XXL", "EU": "numero di scarpe", "AGE": "età"},
    "en": {"IT": "Italian size, e.g. 50", "INT": "S–XXL", "EU": "shoe size", "AGE": "age"},
}


def eur(amount: Any, language: str) -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    text = f"{value:,.2f}"
    if language == "it":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€{text}"


def slot_name(slot: str, language: str) -> str:
    return _SLOT_NAMES["en" if language == "en" else "it"].get(slot, slot)


def size_label(size: str, language: str) -> str:
    """A one-size piece reads as such, not as the shop's code "TU"."""
    if size.upper() == "TU":
        return "one size" if language == "en" else "taglia unica"
    return f"size {size}" if language == "en" else f"taglia {size}"


# Italian goal names that agree with a woman ("invitata a un matrimonio (donna)").
_GOAL_IT_WOMEN = {"wedding_guest": "invitata a un matrimonio"}


def goal_name(goal: str, language: str, department: str | None = None) -> str:
    spec = GOALS.get(goal)
    if spec is None:
        return goal
    if language == "en":
        return spec.en
    return _GOAL_IT_WOMEN.get(goal, spec.it) if department == "womenswear" else spec.it


def _department_phrase(department: str | None, language: str) -> str:
    if not department:
        return ""
    it, en = DEPARTMENTS[department]
    return f" ({en})" if language == "en" else f" ({it})"


def _deadline(value: str | None, language: str) -> str:
    if not value:
        return ""
    at = datetime.fromisoformat(value)
    return at.strftime("%d/%m %H:%M") if language == "it" else at.strftime("%d %b %H:%M")


def outfit_lines(card: dict[str, Any], plan: dict[str, Any], language: str,
                 partial: bool) -> list[str]:
    partial = partial or bool(card.get("missing_slots"))
    lines = [say(language, "outfit_intro_partial" if partial else "outfit_intro",
                 goal=goal_name(card["goal"], language, card.get("department")),
                 department=_department_phrase(card.get("department"), language))]
    title_key = "title"
    for item in card["items"]:
        slot = slot_name(item["slot"], language)
        if item.get("size"):
            lines.append(say(language, "item_line", slot=slot, title=item[title_key],
                             size=size_label(item["size"], language),
                             price=eur(item["price"]["amount"], language)))
        else:
            lines.append(say(language, "item_line_nosize", slot=slot, title=item[title_key],
                             price=eur(item["price"]["amount"], language),
                             sizes=", ".join(item.get("sizes_in_stock") or []) or "—"))
    total = eur(card["total"]["amount"], language)
    budget = card.get("budget") or None
    if budget and budget.get("max") is not None and card.get("fits_budget"):
        key = "total_fits_per_item" if budget.get("scope") == "per_item" else "total_fits"
        lines.append(say(language, key, total=total, budget=eur(budget["max"], language)))
    elif budget and budget.get("max") is not None:
        lines.append(say(language, "over_budget", budget=eur(budget["max"], language), total=total,
                         gap=eur(card.get("over_budget_by") or 0, language)))
        drop = plan.get("drop_suggestion") or _drop_priciest(card)
        if drop and drop.get("slot"):
            new_total = Decimal(str(card["total"]["amount"])) - Decimal(str(drop.get("saves") or 0))
            gap = Decimal(str(drop.get("new_gap") or 0))
            gap_text = (say(language, "drop_over", gap=eur(gap, language)) if gap > 0
                        else say(language, "drop_fits"))
            lines.append(say(language, "drop_suggestion", slot=slot_name(drop["slot"], language),
                             new_total=eur(new_total, language), new_gap_text=gap_text))
    else:
        lines.append(say(language, "total_plain", total=total))
    if card.get("missing_slots"):
        lines.append(_missing_line(card, plan, language))
    place = card.get("fulfilment", "online")
    if any(not i.get("size") for i in card["items"]):
        systems = sorted(set((plan.get("needs_size") or {}).values())) or ["IT", "INT", "EU"]
        names = _SIZE_SYSTEM_NAMES["en" if language == "en" else "it"]
        lines.append(say(language, "ask_size", systems=", ".join(names.get(s, s) for s in systems)))
    elif place == "online":
        if plan.get("fell_back_online"):
            lines.append(say(language, "fallback_online"))
        lines.append(say(language, "fulfilment_online"))
    else:
        km = _store_distance(card)
        city = plan.get("origin_city")
        distance = "" if km is None else (say(language, "distance_from", km=f"{km:.0f}", city=city) if city
                                          else say(language, "distance", km=f"{km:.0f}"))
        lines.append(say(language, "fulfilment_store", store=card.get("fulfilment_name") or place,
                         distance=distance))
    return lines


def _missing_line(card: dict[str, Any], plan: dict[str, Any], language: str) -> str:
    """Which pieces are missing, naming the size when that is the reason ("no suit in 62")."""
    from tools.taxonomy import GOALS, size_system_for

    sizes = (plan.get("constraints_sizes") or {})
    spec = GOALS.get(card["goal"])
    parts = []
    for slot in card["missing_slots"]:
        size = None
        if spec is not None and card.get("department") in spec.slots:
            required, optional = spec.slots[card["department"]]
            for s in (*required, *optional):
                if s.key == slot:
                    size = sizes.get(size_system_for(s.categories[0], card["department"]))
        name = slot_name(slot, language)
        parts.append(say(language, "missing_in_size", slot=name, size=size) if size else name)
    return say(language, "missing_slots", slots=", ".join(parts))


def _drop_priciest(card: dict[str, Any]) -> dict[str, Any] | None:
    """When nothing fits: what leaving out the dearest piece would do (from the card's own prices)."""
    gap = card.get("over_budget_by")
    per_item = (card.get("budget") or {}).get("scope") == "per_item"
    if not gap or per_item or len(card.get("items") or []) < 2:  # per item, every piece must fit alone
        return None
    from tools.budget import outfit_total, over_budget_by
    from tools.shapes import Budget

    priciest = max(card["items"], key=lambda i: (Decimal(str(i["price"]["amount"])), i["sku"]))
    rest = [Decimal(str(i["price"]["amount"])) for i in card["items"] if i is not priciest]
    budget = Budget.model_validate(card["budget"]) if card.get("budget") else None
    new_gap = over_budget_by(outfit_total(rest), rest, budget) or Decimal("0")
    return {"slot": priciest["slot"], "saves": Decimal(str(priciest["price"]["amount"])),
            "new_gap": new_gap}


def _store_distance(card: dict[str, Any]) -> float | None:
    place = card.get("fulfilment")
    for item in card["items"]:
        for stock in item.get("availability", []):
            if stock["location"] == place and stock.get("distance_km") is not None:
                return float(stock["distance_km"])
    return None


def alternatives_line(card: dict[str, Any], outfit: dict[str, Any] | None, language: str) -> str | None:
    items = card.get("items") or []
    if not items:
        return None
    replaced = {i["sku"]: i for i in (outfit or {}).get("items", [])}
    parts = []
    for alt in items[:2]:
        replaces = next((r["title"] for r in replaced.values() if r["slot"] == alt["slot"]), alt["slot"])
        parts.append(say(language, "alternative_item", title=alt["title"],
                         price=eur(alt["price"]["amount"], language), replaces=replaces))
    return say(language, "alternatives", alternatives="; ".join(parts))


def question_for(state: StylistState, language: str) -> str | None:
    goal = (state.get("goal") or {}).get("label", UNKNOWN_GOAL)
    if goal == UNKNOWN_GOAL:
        # browsing that splits between a few goals makes a sharper question
        candidates = [goal_name(g, language) for g in (state.get("goal") or {}).get("candidates", [])]
        if len(candidates) >= 2:
            joiner = " or " if language == "en" else " o "
            choices = ", ".join(candidates[:-1]) + joiner + candidates[-1]
            return say(language, "ask_goal_choices", choices=choices)
        return say(language, "ask_goal")
    if not (state.get("goal") or {}).get("department"):
        return say(language, "ask_department")
    return None


def _short_titles(result: dict[str, Any], outfit: dict[str, Any] | None) -> list[str]:
    """The names of the pieces the store ran out of, from the look the shopper was shown."""
    short = {s.get("variant_id") for s in result.get("out_of_stock") or []}
    return [str(i["title"]) for i in (outfit or {}).get("items", []) if i.get("variant_id") in short]


def reservation_lines(result: dict[str, Any], language: str,
                      outfit: dict[str, Any] | None = None) -> list[str]:
    status = result.get("status")
    store = result.get("store_name") or result.get("store_code", "")
    if status == "held":
        hours = result.get("store_hours_text") or _hours_text(result.get("store_hours"), language)
        return [say(language, "reserve_done", code=result.get("pickup_code", ""), store=store,
                    deadline=_deadline(result.get("expires_at"), language), hours=hours)]
    if status == "declined":
        return [say(language, "reserve_declined")]
    names = ", ".join(result.get("problem_titles") or result.get("unavailable")
                      or _short_titles(result, outfit)) or say(language, "some_pieces")
    if status == "price_changed":
        return [say(language, "reserve_price_changed", items=names)]
    if status in ("no_store", "nothing_to_reserve"):
        return [say(language, "reserve_no_store" if status == "no_store" else "reserve_nothing")]
    return [say(language, "reserve_out_of_stock", items=names, store=store)]


def _hours_text(hours: dict[str, Any] | None, language: str) -> str:
    if not hours:
        return "—"
    days = {"it": ["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
            "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}["en" if language == "en" else "it"]
    keys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    parts = []
    for label, key in zip(days, keys, strict=True):
        span = hours.get(key)
        parts.append(f"{label} {span[0]}–{span[1]}" if span else f"{label} —")
    return ", ".join(parts)


def proposal_text(proposal: dict[str, Any], language: str) -> str:
    items = ", ".join(f"{i['title']} ({i['size'] or 'TU'})" for i in proposal["items"])
    return say(language, "reserve_proposal", store=proposal["store_name"],
               address=proposal.get("address", ""), items=items,
               total=eur(proposal["total"], language),
               deadline=_deadline(proposal.get("hold_until"), language))
