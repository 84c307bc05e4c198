"""What a shopper changes about the look they were just shown: another piece in a slot ("un'altra
giacca", "other shoes"), a slot dropped or added ("senza cravatta", "add a belt"), other options,
less or more formal. Read against the last look, so "la giacca" is the piece the shopper sees.

Budget, sizes, colours and places are constraints (agent.understanding.constraints); this reads
only what acts on the pieces themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent.understanding.words import SLOT_WORDS
from tools.lexicon import match_terms, normalise
from tools.shapes import Constraints
from tools.taxonomy import CATEGORIES, GOALS

# fmt: off
_SWAP = re.compile(
    r"\b(altr[oaie]|un altr[oa]|another|different|other|others|else|cambia\w*|cambierei|change|swap|"
    r"replace|sostituisc\w*|non mi (piace|piacciono|convince|convincono|va|vanno)|"
    r"don t (like|love)|do not like|not keen on|not a fan of|not that|not this|non quell[ao]|"
    r"diversa|diverso|diverse|diversi|instead)\b")
_DROP = re.compile(
    r"\b(togli\w*|leva\w*|elimina\w*|rimuovi|senza|niente|without|remove|drop|lose|skip|"
    r"no|non (mi )?serv\w*|don t need|do not need|no need for)\b")
_ADD = re.compile(
    r"\b(aggiung\w*|add|anche|as well|too|throw in|ci metti|ci vorrebbe|mi serve anche|"
    r"i d like a|i would like a|include)\b")
_MORE = re.compile(
    r"\b(altre (opzioni|proposte|idee|alternative)|altri (look|outfit|abbinamenti)|un altro (look|outfit)|"
    r"qualcos altro|qualcosa d altro|other options|more options|anything else|what else|something else|"
    r"another (look|outfit|option)|different (look|outfit)|show me more|mostrami altro|altro\?)")
_LESS_FORMAL = re.compile(
    r"\b(meno (formale|elegante|impegnativ\w*|classic\w*)|piu (casual|sportiv\w*|rilassat\w*|informale)|"
    r"less (formal|dressy|smart|stiff)|more (casual|relaxed|laid back)|tone it down|dress(ed)? down)\b")
_MORE_FORMAL = re.compile(
    r"\b(piu (formale|elegante|classic\w*)|more (formal|elegant|dressy)|dressier|smarter|dress(ed)? up)\b")
# fmt: on


@dataclass(frozen=True)
class Refinement:
    swap_slots: tuple[str, ...] = ()
    drop_slots: tuple[str, ...] = ()
    add_slots: tuple[str, ...] = ()
    more: bool = False
    formality_shift: int = 0  # -1 less formal, +1 more formal

    @property
    def changes_look(self) -> bool:
        return bool(self.swap_slots or self.drop_slots or self.add_slots or self.more or self.formality_shift)

    def as_json(self) -> dict[str, Any]:
        return {"swap_slots": list(self.swap_slots), "drop_slots": list(self.drop_slots),
                "add_slots": list(self.add_slots), "more": self.more, "formality_shift": self.formality_shift}


def goal_slots(goal: str, department: str | None) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """The goal's slots for the department (key -> categories) and which of them are optional."""
    spec = GOALS.get(goal)
    if spec is None or not department or department not in spec.slots:
        return {}, set()
    required, optional = spec.slots[department]
    slots = {s.key: s.categories for s in (*required, *optional)}
    return slots, {s.key for s in optional}


def named_slots(message: str, slots: Mapping[str, Sequence[str]], shown: Mapping[str, str]) -> list[str]:
    """The look's slots the message names, by the shop's words for their categories ("giacca da
    smoking" is the jacket) or by the slot's own word ("scarpe"); shown: slot -> category on the card."""
    found: list[str] = []
    terms = match_terms(message)
    for category in terms.categories:
        slot = next((s for s, cats in slots.items() if category in cats), None)
        if slot is None:  # a word for a sibling category ("camicetta" when the card shows a shirt)
            kind = CATEGORIES[category].slot
            slot = next((s for s, c in shown.items() if CATEGORIES[c].slot == kind), None)
        if slot is not None and slot not in found:
            found.append(slot)
    for word in normalise(message).split():
        slot = SLOT_WORDS.get(word)
        if slot is None:
            continue
        if slot not in slots:  # "camicia" names the top slot of a women's look
            slot = next((s for s, cats in slots.items() if any(CATEGORIES[c].slot == slot for c in cats)),
                        slot)
        if slot in slots and slot not in found:
            found.append(slot)
    return found


def read_refinement(message: str, goal: str, department: str | None,
                    last_outfit: Mapping[str, Any] | None) -> Refinement:
    """What the message changes in the last look; nothing when there is no look to change."""
    if not last_outfit or not last_outfit.get("items"):
        return Refinement()
    text = normalise(message)
    slots, optional = goal_slots(goal, department)
    shown = {str(i["slot"]): str(i["category"]) for i in last_outfit["items"]}
    named = named_slots(message, slots, shown)
    shift = -1 if _LESS_FORMAL.search(text) else (1 if _MORE_FORMAL.search(text) else 0)
    more = bool(_MORE.search(text + ("?" if message.strip().endswith("?") else "")))
    if not named:
        return Refinement(more=more and not shift, formality_shift=shift)
    swap: list[str] = []
    drop: list[str] = []
    add: list[str] = []
    for slot in named:
        on_card = slot in shown
        if on_card and _SWAP.search(text):
            swap.append(slot)
        elif on_card and _DROP.search(text):
            # a piece the look cannot do without is replaced, not removed ("togli la giacca da smoking")
            (drop if slot in optional else swap).append(slot)
        elif not on_card and slot in slots and (_ADD.search(text) or not _DROP.search(text)):
            add.append(slot)
    return Refinement(swap_slots=tuple(swap), drop_slots=tuple(drop), add_slots=tuple(add),
                      formality_shift=shift)


def apply_refinement(constraints: Constraints, previous: Constraints | None, refinement: Refinement,
                     goal: str, department: str | None) -> Constraints:
    """The constraints after a correction: a dropped slot's categories are ruled out, an added slot
    becomes wanted, and a piece to replace ("non mi piacciono le scarpe") never rules out its whole
    category, nor does any new "no X" that would leave a slot the look needs empty."""
    slots, optional = goal_slots(goal, department)
    before = set(previous.exclusions) if previous else set()
    exclusions = list(constraints.exclusions)
    for slot in refinement.swap_slots:
        exclusions = [e for e in exclusions if e in before or e not in slots.get(slot, ())]
    for key, categories in slots.items():
        if key not in optional and all(c in exclusions for c in categories):
            exclusions = [e for e in exclusions if e in before or e not in categories]
    wanted = list(constraints.wanted_slots)
    for slot in refinement.drop_slots:
        exclusions += [c for c in slots.get(slot, ()) if c not in exclusions]
        wanted = [w for w in wanted if w != slot]
    for slot in refinement.add_slots:
        exclusions = [e for e in exclusions if e not in slots.get(slot, ())]
        if slot not in wanted:
            wanted.append(slot)
    return constraints.model_copy(update={"exclusions": exclusions, "wanted_slots": wanted})
