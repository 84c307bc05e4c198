"""Hard constraints from the message, the thread and the profile: budget, sizes, colours, place,
exclusions and "only the shoes". A follow-up changes only what it says; the rest carries over.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

from agent.understanding.budget import read_budget, read_budget_scope
from agent.understanding.sizes import read_sizes
from agent.understanding.typos import respell_cues
from agent.understanding.words import (
    CITY_NAMES,
    DEFAULT_STORE_CODES,
    FIBRE_WORDS,
    FILLER_WORDS,
    NEGATION_CUES,
    ONLY_CUES,
    PICKUP_CUES,
    POST_NEGATIONS,
    SLOT_WORDS,
    WHOLE_OUTFIT_CUES,
)
from tools.lexicon import match_terms, normalise
from tools.shapes import Budget, Constraints, Location, Source
from tools.taxonomy import CATEGORIES, COLOUR_FAMILY, SIZE_RUNS

_NEGATIONS = sorted({normalise(c) for c in NEGATION_CUES}, key=lambda c: -len(c.split()))
_POST_NEGATIONS = tuple(normalise(c) for c in POST_NEGATIONS)
_CONJUNCTIONS = frozenset({"o", "or", "e", "and", "ne", "nor", "neanche", "nemmeno", "neither"})
_ADDING = frozenset({"anche", "also", "pure", "oppure", "too"})
_STORE_CODE = re.compile(r"\b([A-Za-z]{2}\d{2})\b")
_CHEAPER = re.compile(
    r"\b(?:piu economic\w*|meno car\w*|costa(?:no)? meno|costi(?:no)? meno|spendere meno|risparmi\w*|"
    r"cheaper|less expensive|more affordable|lower price|prezzo piu basso|prezzi piu bassi|troppo car\w*|"
    r"too expensive|too pricey|budget friendly|economic\w* alternativ\w*|alternativ\w* economic\w*|"
    r"cheap|low cost|cost less|costs less|save money|for less)\b")


_BOUNDARY = "|"
_CLAUSE_END = re.compile(r"[,.;:!?()\n]+")


def _words(message: str) -> list[str]:
    """Normalised words with a boundary token between clauses ('No, in nero': the no is an answer)."""
    words: list[str] = []
    for clause in _CLAUSE_END.split(message):
        part = normalise(clause).split()
        if part:
            words.extend([*part, _BOUNDARY])
    return words


def wants_cheaper(message: str) -> bool:
    """'something cheaper', 'più economico', 'troppo caro': cheaper, without naming a number."""
    return bool(_CHEAPER.search(normalise(message)))


def asked_size(message: str, department: str | None = None) -> str | None:
    """The size a question asks about ('available in size 6?' -> '6'), not the shopper's own size."""
    asked = read_sizes(message, department).asked
    return asked[0] if asked else None


def _term_at(words: list[str], i: int) -> tuple[str, str, int] | None:
    """The colour, category or fibre that starts at word i: (kind, key, words used)."""
    for n in range(min(4, len(words) - i), 0, -1):
        phrase = " ".join(words[i:i + n])
        if n == 1 and phrase in FIBRE_WORDS:
            return "fibre", FIBRE_WORDS[phrase], 1
        found = match_terms(phrase)
        if found.phrases and found.phrases[0][2] == phrase and found.phrases[0][0] in ("colour", "category"):
            return found.phrases[0][0], found.phrases[0][1], n
    return None


def _phrase_at(words: list[str], i: int) -> tuple[str, str, int] | None:
    """The longest shop phrase of any kind at word i: (kind, key, words used)."""
    for n in range(min(4, len(words) - i), 0, -1):
        phrase = " ".join(words[i:i + n])
        found = match_terms(phrase)
        if found.phrases and found.phrases[0][2] == phrase:
            return found.phrases[0][0], found.phrases[0][1], n
    return None


def _negated_terms(words: list[str]) -> tuple[list[str], set[int]]:
    """Keys the shopper excludes ('no black', 'senza cravatta', 'no wool') and the word positions used."""
    excluded: list[str] = []
    used: set[int] = set()
    i = 0
    while i < len(words):
        cue = next((c for c in _NEGATIONS if words[i:i + len(c.split())] == c.split()), None)
        if cue is None:
            i += 1
            continue
        j = i + len(cue.split())
        while j < len(words):
            if words[j] in FILLER_WORDS or words[j] in _CONJUNCTIONS:
                j += 1
                continue
            term = _term_at(words, j)
            if term is None:
                break
            if term[1] not in excluded:
                excluded.append(term[1])
            used.update(range(j, j + term[2]))
            j += term[2]
        i = max(j, i + 1)
    for i in range(len(words)):  # "il nero non lo porto mai": the thing first, then the no
        term = _term_at(words, i) if i not in used else None
        if term is None:
            continue
        after = " ".join(words[i + term[2]:i + term[2] + 5])
        if any(after == cue or after.startswith(cue + " ") for cue in _POST_NEGATIONS):
            if term[1] not in excluded:
                excluded.append(term[1])
            used.update(range(i, i + term[2]))
    return excluded, used


# A shade and the family it belongs to: "grigio antracite" is charcoal, not also grey.
_SHADE_FAMILY = COLOUR_FAMILY


def _colours(words: list[str], skip: set[int]) -> list[str]:
    kept = [w for k, w in enumerate(words) if k not in skip]
    said: list[tuple[int, str, int]] = []  # (position, colour, words used)
    i = 0
    while i < len(kept):
        term = _phrase_at(kept, i)  # any kind: "black tie" is a dress code, not a colour
        if term is not None and term[0] == "colour":
            said.append((i, term[1], term[2]))
        i += term[2] if term is not None else 1
    dropped = set()
    for (i, first, n), (j, second, _) in itertools.pairwise(said):
        if j == i + n:  # side by side: the shade names the colour, the family only qualifies it
            if _SHADE_FAMILY.get(second) == first:
                dropped.add(i)
            elif _SHADE_FAMILY.get(first) == second:
                dropped.add(j)
    colours: list[str] = []
    for i, colour, _ in said:
        if i not in dropped and colour not in colours:
            colours.append(colour)
    return colours


def _only_slots(words: list[str]) -> list[str] | None:
    """'solo le scarpe' -> ['shoes']; 'the whole outfit' -> [] (reset); nothing said -> None."""
    text = " ".join(words)
    if any(re.search(rf"\b{cue}\b", text) for cue in WHOLE_OUTFIT_CUES):
        return []
    slots: list[str] = []
    for i, word in enumerate(words):
        if word not in ONLY_CUES:
            continue
        j = i + 1
        while j < len(words) and j <= i + 8:
            if words[j] in FILLER_WORDS or words[j] in _CONJUNCTIONS or words[j] in ("need", "serve", "want"):
                j += 1
                continue
            slot, used = SLOT_WORDS.get(words[j]), 1
            if slot is None:
                term = _term_at(words, j)
                if term is None or term[0] != "category":
                    break
                slot, used = CATEGORIES[term[1]].slot, term[2]
            if slot not in slots:
                slots.append(slot)
            j += used
    return slots or None


def _city_key(name: str) -> str:
    return normalise(name)


def _resolve_city(canonical: str, known_cities: Mapping[str, str] | None) -> str | None:
    table = known_cities if known_cities is not None else DEFAULT_STORE_CODES
    code = table.get(_city_key(canonical))
    return code or None


def _location(message: str, words: list[str], known_cities: Mapping[str, str] | None) -> Location | None:
    table = known_cities if known_cities is not None else DEFAULT_STORE_CODES
    codes = {code.upper(): city for city, code in table.items() if code}
    for raw in _STORE_CODE.findall(message):
        if raw.upper() in codes:
            city = codes[raw.upper()]
            return Location(city=CITY_NAMES.get(city, city.title()), store_code=raw.upper(), source="message")
    cities: list[tuple[int, str]] = []
    for i in range(len(words)):
        for n in (2, 1):
            if _BOUNDARY in words[i:i + n]:
                continue
            name = " ".join(words[i:i + n])
            found = CITY_NAMES.get(name)
            if found is None and known_cities and name in known_cities:
                found = name.title()
            if found is not None:
                cities.append((i, found))
                break
    if not cities:
        return None
    chosen = cities[0][1]
    for i, canonical in cities:
        before = " ".join(words[max(0, i - 4):i])
        if any(before == cue or before.endswith(" " + cue) for cue in PICKUP_CUES):
            chosen = canonical
            break
    return Location(city=chosen, store_code=_resolve_city(chosen, known_cities), source="message")


def _carried(source: Source) -> Source:
    return "conversation" if source == "message" else source


def _fits_department(system: str, label: str, department: str | None) -> bool:
    runs = SIZE_RUNS.get(system)
    if not department or runs is None:
        return True
    return label in runs.get(department, ())  # kids have no IT run: an adult "50" is not theirs


# Black tie by name: only then do tuxedos and evening gowns join a look that is not a formal evening.
_BLACK_TIE = re.compile(r"\b(black tie|smoking|tuxedo|tux|dinner jacket|frac|tailcoat|white tie|"
                        r"abito da sera|abito lungo|evening gown|ball gown|cravatta nera)\b")
_SYSTEM_ANSWER = re.compile(r"\b(us|usa|american\w*|americana|uk|british|inglese|english)\b")
_SHOES_ANSWER = re.compile(r"\b(scarp\w*|shoes?|footwear|calzatur\w*|sandal\w*|boots?|stivali)\b")


def _answered_size(message: str, pending: list[str]) -> str:
    """The answer to "US or UK, clothes or shoes?" read together with the size it was about."""
    text = normalise(message)
    system = _SYSTEM_ANSWER.search(text)
    if not pending or system is None:
        return message
    said = "US" if system.group(1).startswith(("us", "american")) else "UK"
    garment = "shoes" if _SHOES_ANSWER.search(text) else "dress"
    return f"{message}, {said} {pending[0]} {garment}"


def extract_constraints(message: str, previous: Constraints | None = None,
                        profile_sizes: Mapping[str, str] | None = None, profile_city: str | None = None,
                        known_cities: Mapping[str, str] | None = None,
                        department: str | None = None) -> Constraints:
    """The constraints for this turn: the message first, then the thread, then the profile.

    known_cities: normalised city name -> code of its main store ("" when the city has no store);
    without it the chain's default store table is used.
    """
    message = respell_cues(message)
    words = _words(message)
    base = previous or Constraints()

    budget = base.budget.model_copy(update={"source": _carried(base.budget.source)}) if base.budget else None
    reading = read_budget(message)
    if reading is not None:
        budget = Budget(max=reading.max, min=reading.min, scope=reading.scope, source="message")
    elif budget is not None and (scope := read_budget_scope(message)) and scope != budget.scope:
        budget = budget.model_copy(update={"scope": scope, "source": "message"})

    sizes = dict(base.sizes)
    size_sources: dict[str, Source] = {k: _carried(v) for k, v in base.size_sources.items()}
    said_sizes = read_sizes(_answered_size(message, base.ambiguous_sizes), department)
    size_said = dict(base.size_said)
    for system, label in said_sizes.chosen.items():
        sizes[system], size_sources[system] = label, "message"
        size_said.pop(system, None)
        if system in said_sizes.converted:  # "US 10" -> EU 43: the answer shows the conversion
            said, said_system = said_sizes.converted[system]
            size_said[system] = f"{said_system} {said}"
    ambiguous = [a.label for a in said_sizes.ambiguous if not said_sizes.chosen]
    for system, label in (profile_sizes or {}).items():
        if system not in sizes and _fits_department(system, label, department):
            sizes[system], size_sources[system] = label, "profile"

    excluded, negated_at = _negated_terms(words)
    colours_said = _colours(words, negated_at)
    colours = list(base.colours)
    if colours_said:
        colours = [*colours, *(c for c in colours_said if c not in colours)] if _ADDING & set(words) \
            else colours_said
    exclusions = [e for e in base.exclusions if e not in colours_said]
    exclusions += [e for e in excluded if e not in exclusions]
    colours = [c for c in colours if c not in excluded]

    location = base.location.model_copy(update={"source": _carried(base.location.source)}) \
        if base.location else None
    said_location = _location(message, words, known_cities)
    if said_location is not None:
        location = said_location
    elif location is None and profile_city:
        canonical = CITY_NAMES.get(_city_key(profile_city), profile_city.strip().title())
        location = Location(city=canonical, store_code=_resolve_city(canonical, known_cities),
                            source="profile")

    only = _only_slots(words)
    only_slots = list(base.only_slots) if only is None else only
    return Constraints(budget=budget, sizes=sizes, size_sources=size_sources, colours=colours,
                       location=location, exclusions=exclusions, only_slots=only_slots,
                       wanted_slots=list(base.wanted_slots), size_said=size_said,
                       ambiguous_sizes=ambiguous,
                       black_tie=base.black_tie or bool(_BLACK_TIE.search(normalise(message))))
