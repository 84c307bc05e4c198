"""Sizes in shopper messages, per size system: "taglia 52" (IT), "porto la M" (INT), "scarpe 43" (EU),
"per un bimbo di 8 anni" (AGE). A size inside a question ("available in size 6?", "c'è la 44?")
is something asked about, never the size the shopper chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.lexicon import normalise
from tools.taxonomy import SIZE_RUNS

_CLAUSE = re.compile(r"([^.;!?,\n]*)([.;!?,\n]*)")
_SHOE_WORDS = frozenset({"scarpe", "scarpa", "shoes", "shoe", "numero", "calzo", "calzature", "sneakers",
                         "stivali", "boots", "eu", "piede", "footwear", "sandali", "mocassini", "calzata",
                         "derby", "trainers", "heels", "decollete", "nr", "n"})
_CLOTHING_WORDS = frozenset({"taglia", "size", "misura", "it", "la", "nella", "tg", "sz", "una", "porto"})
_LETTERS = {"xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL", "xxl": "XXL", "xxxl": "XXL"}
_LETTER_WORDS = {"small": "S", "medium": "M", "large": "L", "extra small": "XS", "extra large": "XL",
                 "x large": "XL", "x small": "XS", "xx large": "XXL"}
_ITALIAN_LETTER_WORDS = {"piccola": "S", "media": "M", "grande": "L"}
_LETTER_CONTEXT = ("i m a", "im a", "i am a", "i m", "i am", "size", "taglia", "wear a", "wear an", "wear",
                   "in a", "in", "la", "una", "porto la", "porto una",
                   # a garment sized in letters right before it: "camicia L", "shirt M"
                   "camicia", "camicie", "shirt", "shirts", "maglia", "maglione", "maglietta", "polo",
                   "t shirt", "tshirt", "top", "felpa", "jumper", "sweater", "blusa", "blouse",
                   "costume", "giubbotto", "piumino", "impermeabile")
# A lone "s", "m" or "l" is a size only when nothing wordy follows ("la m" yes, "in l altro" no).
_LETTER_FOLLOWERS = frozenset({"per", "e", "and", "or", "o", "please", "grazie", "size", "taglia", "di", "da",
                               "for", "the", "thanks", "thank", "se", "if", "in", "as", "anche", "too"})
_AGE_WORDS = frozenset({"anni", "anno", "years", "year", "yo", "yrs", "mesi"})
_KIDS_WORDS = frozenset({"bimbo", "bimba", "bimbi", "bambino", "bambina", "bambini", "figlio", "figlia",
                         "son", "daughter", "kid", "kids", "child", "boy", "girl", "nipote", "nipotino",
                         "nipotina", "toddler", "children"})
_AVAILABILITY = re.compile(
    r"\b(?:available|availability|disponibil\w*|c e|ce l|ce la|ce lo|ci sono|avete|have you|do you have|"
    r"you have|in stock|is there|are there|esiste|esistono|comes? in|also in|anche in|have it|have them|"
    r"hai|avreste|trovo|can i get|posso avere|is it in)\b")
_DECLARATIVE = re.compile(
    r"\b(?:porto|indosso|calzo|i wear|i m a|im a|i am a|my size|mia taglia|sono una|sono un|prendo|voglio la|"
    r"in my size|nella mia taglia|vesto|size is)\b")
_NOT_SIZE_NOUNS = frozenset({"colori", "colours", "colors", "pezzi", "pieces", "giorni", "days", "negozi",
                             "stores", "camicie", "shirts", "euro", "eur", "minuti", "minutes"})

_ASKED_BEFORE = frozenset({"size", "taglia", "la", "nella", "in", "numero", "il", "nel", "misura", "eu",
                           "it"})


@dataclass
class SizeReading:
    chosen: dict[str, str] = field(default_factory=dict)  # size system -> label
    asked: list[str] = field(default_factory=list)  # labels the shopper asked about


def _valid(system: str, label: str, department: str | None) -> bool:
    runs = SIZE_RUNS[system]
    if department and department in runs:
        return label in runs[department]
    return any(label in run for run in runs.values())


def _age_size(age: int) -> str | None:
    for label in SIZE_RUNS["AGE"]["kids"]:
        if int(label[:-1]) >= age:
            return label
    return None


def _clauses(text: str) -> list[tuple[list[str], bool]]:
    """Clauses as word lists, each with whether it is a question."""
    out = []
    for body, punct in _CLAUSE.findall(text):
        words = normalise(body).split()
        if words:
            out.append((words, "?" in punct))
    return out


def _read_number(words: list[str], j: int, department: str | None,
                 kids_context: bool) -> tuple[str, str] | None:
    value = int(words[j])
    before = words[max(0, j - 3):j]
    prev = before[-1] if before else ""
    after = words[j + 1:j + 3]
    nxt = after[0] if after else ""
    if nxt in _NOT_SIZE_NOUNS:
        return None
    if nxt in _AGE_WORDS or prev in ("age", "eta"):
        ago = len(after) > 1 and after[1] in ("fa", "ago")
        if not ago and 0 < value <= 14 and (kids_context or prev in ("di", "of", "age", "eta")
                                             or (len(after) > 1 and after[1] == "old")):
            label = _age_size(value)
            return ("AGE", label) if label else None
        return None
    label = str(value)
    shoe_before = bool(_SHOE_WORDS & set(before))
    shoe = shoe_before or nxt in _SHOE_WORDS or prev in ("il", "nel") or (
        nxt == "di" and len(after) > 1 and after[1] in ("scarpe", "piede"))
    if shoe and _valid("EU", label, department):
        return "EU", label
    if not shoe_before and _CLOTHING_WORDS & set(before[-2:]):
        if _valid("IT", label, department):
            return "IT", label
        if prev == "size" and _valid("EU", label, department):  # "size 43": no suit comes in 43
            return "EU", label
    return None


def _ends_with(context: str, endings: tuple[str, ...]) -> bool:
    return any(context == e or context.endswith(" " + e) for e in endings)


def _read_letter(words: list[str], j: int) -> tuple[str, int] | None:
    """An international size at j and how many words it takes."""
    two = " ".join(words[j:j + 2])
    context = " ".join(words[max(0, j - 3):j])
    if two in _LETTER_WORDS and _ends_with(context, _LETTER_CONTEXT):
        return _LETTER_WORDS[two], 2
    word = words[j]
    if word in _LETTER_WORDS and _ends_with(context, _LETTER_CONTEXT):
        return _LETTER_WORDS[word], 1
    if word in _ITALIAN_LETTER_WORDS and _ends_with(context, ("taglia",)):
        return _ITALIAN_LETTER_WORDS[word], 1
    if word in ("xs", "xl", "xxl", "xxxl"):
        return _LETTERS[word], 1
    if word in ("s", "m", "l") and _ends_with(context, _LETTER_CONTEXT):
        nxt = words[j + 1] if j + 1 < len(words) else None
        if _ends_with(context, ("size", "taglia")) or nxt is None or nxt in _LETTER_FOLLOWERS \
                or not nxt.isalpha():
            return _LETTERS[word], 1
    return None


def read_sizes(message: str, department: str | None = None) -> SizeReading:
    """Sizes the shopper states as theirs (chosen) and sizes they only ask about (asked)."""
    reading = SizeReading()
    whole = normalise(message).split()
    kids_context = department == "kids" or bool(_KIDS_WORDS & set(whole))
    for words, question in _clauses(message):
        joined = " ".join(words)
        asking = (question or bool(_AVAILABILITY.search(joined))) and not _DECLARATIVE.search(joined)
        j = 0
        while j < len(words):
            word, found, used = words[j], None, 1
            if word.isdigit() and len(word) <= 3:
                found = _read_number(words, j, department, kids_context)
                nxt = words[j + 1] if j + 1 < len(words) else ""
                if found is None and asking and j > 0 and words[j - 1] in _ASKED_BEFORE \
                        and nxt not in _NOT_SIZE_NOUNS:
                    reading.asked.append(word)
            elif re.fullmatch(r"\d{1,2}a", word) and _valid("AGE", word.upper(), None):
                found = ("AGE", word.upper())
            else:
                letter = _read_letter(words, j)
                if letter is not None:
                    found, used = ("INT", letter[0]), letter[1]
            if found is not None:
                if asking:
                    reading.asked.append(found[1])
                else:
                    reading.chosen[found[0]] = found[1]
            j += used
    return reading
