"""Sizes in shopper messages, per size system: "taglia 52" (IT), "porto la M" (INT), "scarpe 43" (EU),
"per un bimbo di 8 anni" (AGE).

A number is read by the nearest thing that says what it sizes: the garment right after it ("a 38
dress", "il 42 di scarpe"), else the garment right before it ("scarpe da corsa 44", "boots 43"), else
a size word ("taglia 52", "numero 43", "IT 44"), else the size it is paired with ("taglia S e 38": the
number after a clothes size is the shoe size). Real sizes outside the shop's runs (IT 62, EU 47) are
kept so the agent can say it has nothing in them.

The question rule: a size in a question ("available in size 6?", "c'è la 44?", "ce l'avete in M?") is
something asked about a piece already shown, not the shopper's size. It IS the shopper's size when
the question asks for a kind of garment in it ("avete scarpe da corsa 44?", "do you have a raincoat
in L?") or the message says the shopper needs it for themselves ("c'è il 44 di scarpe eleganti? mi
serve per un colloquio"), unless the question points at a shown piece ("it", "the jacket", "questa").

Tourists' sizes: "US 9", "UK 5 shoes", "size 10 shoes" become EU, "US 6 dress" and "40R" IT
(size_conversion.py); the reading keeps what was said. A small number that could be a US dress, a UK
dress or a US shoe ("I'm a size 8") is left ambiguous for the answer to ask about, never guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from agent.understanding.size_conversion import (
    BARE_CUES,
    FOREIGN_BELOW,
    AmbiguousSize,
    SizeOption,
    chest_named,
    department_named,
    in_run,
    mark_half_sizes,
    real_size,
    said_number,
    size_options,
    system_said,
)
from tools.lexicon import match_terms, normalise, strip_accents
from tools.taxonomy import CATEGORIES, SIZE_RUNS

_CLAUSE = re.compile(r"([^.;!?,\n]*)([.;!?,\n]*)")
# Words that make the next (or a close) number a shoe size.
_SHOE_CUES = frozenset({"numero", "calzo", "eu", "piede", "nr", "n", "european"})
# Shoe words the catalog's category names do not cover.
_SHOE_WORDS = frozenset({"scarpe", "scarpa", "shoes", "shoe", "calzature", "footwear", "scarponi",
                         "scarponcino", "stivale", "stivaletto", "trainers", "heels", "pumps",
                         "decollete", "mocassini", "sneakers", "sandali", "boots", "derby"})
# Clothing words the catalog's category names do not cover (all sized IT when a number follows).
_CLOTHES_WORDS = frozenset({"giacca", "jacket", "giacche", "pantalone", "abito", "completo", "cappotto",
                            "gonna", "vestito", "maglia", "top", "felpa", "giubbotto", "fleece", "hoodie",
                            "sweatshirt", "parka", "gilet", "anorak", "waistcoat", "windbreaker", "jumpsuit",
                            "tracksuit", "overshirt"})
_CLOTHING_CUES = frozenset({"taglia", "size", "misura", "it", "la", "nella", "tg", "sz", "una", "porto"})
_ITALIAN_AFTER = frozenset({"italian", "italiana", "italiano", "it", "ita"})
# Sizes the shop does not make (XXXL, XXS) are kept as said: the answer reports them unavailable.
_LETTERS = {"xxs": "XXS", "xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL", "xxl": "XXL", "xxxl": "XXXL",
            "2xl": "XXL", "3xl": "XXXL", "4xl": "XXXXL"}
_LETTER_WORDS = {"small": "S", "medium": "M", "med": "M", "large": "L", "extra small": "XS",
                 "extra large": "XL", "x large": "XL", "x small": "XS", "xx large": "XXL", "2x large": "XXL",
                 "xxx large": "XXXL", "3x large": "XXXL", "xx small": "XXS", "extra extra large": "XXL",
                 "extra extra small": "XXS"}
_ITALIAN_LETTER_WORDS = {"piccola": "S", "media": "M", "grande": "L"}
_LETTER_CONTEXT = ("i m a", "im a", "i am a", "i m", "i am", "size", "taglia", "wear a", "wear an", "wear",
                   "in a", "in", "la", "una", "porto la", "porto una", "sz", "take a", "take an", "i take")
_SIZE_WORDS = ("size", "sz", "taglia")
# "small", "large", "medium" describe bags, towns and heels too: as a size they end the phrase
# ("a small", "a large please") or come before a garment ("a small fleece"), never a bag or shoe.
_WORD_LETTER_FOLLOWERS = frozenset({"please", "thanks", "thank", "grazie", "for", "too", "in", "if", "as",
                                    "but", "though", "also", "instead", "then", "per"})
_FILLERS = frozenset({"a", "an", "just", "ok", "okay", "then", "yes", "yeah", "so", "maybe", "probably",
                      "and", "or", "please", "um", "hmm"})
# A lone "s", "m" or "l" is a size only when nothing wordy follows ("la m" yes, "in l altro" no).
_LETTER_FOLLOWERS = frozenset({"per", "e", "and", "or", "o", "please", "grazie", "size", "taglia", "di", "da",
                               "for", "the", "thanks", "thank", "se", "if", "in", "as", "anche", "too"})
_AND = frozenset({"e", "and", "ed", "&"})
_AGE_WORDS = frozenset({"anni", "anno", "years", "year", "yo", "yrs", "mesi"})
# "my son (he's 10)", "she is 8", "compie 8 anni", "turns 6": an age without the word "years".
_AGE_BEFORE = (("he", "s"), ("she", "s"), ("he", "is"), ("she", "is"), ("aged",), ("turns",), ("turning",),
               ("compie",), ("age",), ("eta",))
_KIDS_WORDS = frozenset({"bimbo", "bimba", "bimbi", "bambino", "bambina", "bambini", "figlio", "figlia",
                         "son", "daughter", "kid", "kids", "child", "boy", "girl", "nipote", "nipotino",
                         "nipotina", "toddler", "children"})
_ADULT = ("menswear", "womenswear")  # the departments US/UK sizes are converted for
_AVAILABILITY = re.compile(
    r"\b(?:available|availability|disponibil\w*|c e|ce l|ce la|ce lo|ci sono|avete|have you|do you have|"
    r"you have|in stock|is there|are there|esiste|esistono|comes? in|also in|anche in|have it|have them|"
    r"hai|avreste|trovo|can i get|posso avere|is it in)\b")
_DECLARATIVE = re.compile(
    r"\b(?:porto|indosso|calzo|i wear|i m a|im a|i am a|my size|mia taglia|sono una|sono un|prendo|voglio la|"
    r"in my size|nella mia taglia|vesto|size is)\b")
# The shopper needs it for themselves: a size they ask about is then their own.
_OWN_NEED = re.compile(
    r"\b(?:mi serve|mi servono|mi servirebbe|ho bisogno|i need|i ll need|i m looking for|im looking for|"
    r"i am looking for|sto cercando|cerco|for my|per il mio|per la mia|per un mio|per una mia)\b")
# ... unless the question points at a piece already shown.
_SHOWN = re.compile(r"\b(?:it|them|this|that|these|those|questo|questa|questi|queste|quello|quella|"
                    r"ce l|ce lo|ce la|ce li|ce le|lo avete|la avete|l avete)\b")
_DEFINITE = frozenset({"the", "il", "lo", "la", "i", "gli", "le", "l", "this", "that", "these", "those",
                       "questa", "questo", "queste", "questi", "quella", "quello", "your", "vostra",
                       "vostro"})
_NOT_SIZE_NOUNS = frozenset({"colori", "colours", "colors", "pezzi", "pieces", "giorni", "days", "negozi",
                             "stores", "camicie", "shirts", "euro", "eur", "minuti", "minutes", "paia",
                             "pairs", "volte", "times", "km", "cm", "kg", "percent", "per"})
_ASKED_BEFORE = frozenset({"size", "taglia", "la", "nella", "in", "numero", "il", "nel", "misura", "eu",
                           "it"})
_SKIP_AFTER = frozenset({"di", "of", "in", "for"})
_SKIP_BEFORE = frozenset({"in", "size", "taglia", "numero", "misura", "tg", "nella", "nel", "nr", "n"})


# A corrected size said as a sentence ("la taglia giusta è 48", "my actual size is 48", "I'm actually a
# 48") reads as the plain size word before the number.
_CORRECTION = re.compile(
    r"\b(taglia|size|misura|numero)\s+(?:giusta|corretta|esatta|vera|reale|right|correct|actual|real)\s+"
    r"(?:e|è|is|sarebbe|would be)\b|\b(?:actually|in realtà|in realta|anzi)\s+(?=a\s+\d|\d)|"
    r"\b(?:la\s+)?mia\s+(taglia)\s+(?:e|è)\b|"
    r"\bi\s+(?:wear|take)\s+(?:an?\s+)?(?=\d+\b(?!\s*(?:years|anni|yo|euro|eur|€)))", re.I)


# "I'm an Italian 44", "Italian size 50": the shop's own IT system, named in English.
_ITALIAN_SIZE = re.compile(r"\b(?:an?\s+)?italian\s+(?:size\s+)?(?=\d)", re.I)


def _plain_size_word(match: re.Match[str]) -> str:
    """What a correction phrase reads as: its size word, "size" for "I wear a", else nothing."""
    if match.group(1) or match.group(2):
        return match.group(1) or match.group(2)
    return "size " if match.group(0).lower().startswith("i ") else ""


@dataclass
class SizeReading:
    chosen: dict[str, str] = field(default_factory=dict)  # size system -> label
    asked: list[str] = field(default_factory=list)  # labels the shopper asked about
    # for each chosen label that was converted, what the shopper said: {"EU": ("10", "US")} with chosen
    # {"EU": "43"}; a half EU size rounded up is one too: {"EU": ("37.5", "EU")} with chosen {"EU": "38"}
    converted: dict[str, tuple[str, str]] = field(default_factory=dict)
    ambiguous: list[AmbiguousSize] = field(default_factory=list)  # sizes to ask about; none is in chosen


@dataclass(frozen=True)
class _Found:
    system: str
    label: str
    used: int = 1
    garment_before: int | None = None  # where the garment it sizes starts, when that comes first
    said: tuple[str, str] | None = None  # (label, system) as the shopper said it, when converted
    options: tuple[SizeOption, ...] = ()  # several readings: ambiguous, and label is as said


_NOTHING = _Found("", "")  # a US/UK size with no shop size: read, so no other rule misreads it as IT/EU


def _age_size(age: int) -> str | None:
    for label in SIZE_RUNS["AGE"]["kids"]:
        if int(label[:-1]) >= age:
            return label
    return None


@lru_cache(maxsize=1)
def _garments() -> dict[str, str]:
    """Garment phrase -> what a number after or before it is: EU for shoes, IT for clothes."""
    table: dict[str, str] = {}
    for key, cat in CATEGORIES.items():
        if cat.size_system in ("IT", "INT", "EU"):
            for word in (cat.it, cat.en, *cat.synonyms, key.replace("_", " ")):
                table.setdefault(normalise(word), "EU" if cat.size_system == "EU" else "IT")
    table.update({w: "EU" for w in _SHOE_WORDS})
    table.update({w: "IT" for w in _CLOTHES_WORDS})
    table.pop("running", None)  # "running" alone is the sport, not the shoes
    return table


def _garment_at(words: list[str], start: int) -> tuple[str, int] | None:
    """The garment phrase starting at `start`: (system, words used), longest first."""
    table = _garments()
    for n in range(min(4, len(words) - start), 0, -1):
        phrase = " ".join(words[start:start + n])
        system = table.get(phrase) or (table.get(phrase[:-1]) if n == 1 and phrase.endswith("s") else None)
        if system:
            return system, n
    return None


def _garment_ending(words: list[str], end: int) -> tuple[str, int] | None:
    """The garment phrase ending at `end` (inclusive): (system, start)."""
    for n in range(min(4, end + 1), 0, -1):
        found = _garment_at(words[end - n + 1:end + 1], 0)
        if found is not None and found[1] == n:
            return found[0], end - n + 1
    return None


def _is_colour(word: str) -> bool:
    return bool(match_terms(word).colours)


def _garment_before(words: list[str], j: int) -> tuple[str, int] | None:
    """A garment right before position j, over at most two size words or colours ('boots neri 43')."""
    k, skipped = j - 1, 0
    while k >= 0:
        found = _garment_ending(words, k)
        if found is not None:
            return found
        if skipped >= 2 or not (words[k] in _SKIP_BEFORE or _is_colour(words[k])):
            return None
        k, skipped = k - 1, skipped + 1
    return None


def _garment_after(words: list[str], j: int) -> str | None:
    """The system of a garment right after j ('38 dress', '42 di scarpe', '40 italian size')."""
    k = j + 1
    if k < len(words) and words[k] in _SKIP_AFTER:
        k += 1
    if k >= len(words):
        return None
    if words[k] in _ITALIAN_AFTER:  # "40 (italian size)", "42 in italian sizing"
        return "IT"
    found = _garment_at(words, k)
    if found is None:
        return None
    after = k + found[1]
    if after < len(words) and words[after].isdigit():  # "scarpe 43 giacca 50": the 50 is the jacket's
        return None
    return found[0]


def _age_before(words: list[str], j: int) -> bool:
    return any(tuple(words[max(0, j - len(cue)):j]) == cue for cue in _AGE_BEFORE)


def _read_number(words: list[str], j: int, department: str | None, kids_context: bool,
                 paired_with_clothes: bool, shoes_only: bool) -> _Found | None:
    value = int(words[j])
    before = words[max(0, j - 3):j]
    prev = before[-1] if before else ""
    after = words[j + 1:j + 3]
    nxt = after[0] if after else ""
    if nxt in _NOT_SIZE_NOUNS:
        return None
    if nxt in _AGE_WORDS or prev in ("age", "eta") or (kids_context and _age_before(words, j)):
        ago = len(after) > 1 and after[1] in ("fa", "ago")
        if not ago and 0 < value <= 14 and (kids_context or prev in ("di", "of", "age", "eta")
                                             or (len(after) > 1 and after[1] == "old")):
            label = _age_size(value)
            return _Found("AGE", label) if label else None
        return None
    label = str(value)
    garment_before = _garment_before(words, j)
    system = _garment_after(words, j)
    start = None
    if system is None and garment_before is not None:
        system, start = garment_before
    if system is None:
        if _SHOE_CUES & set(before[-2:]) or prev in ("il", "nel"):
            system = "EU"
        elif _CLOTHING_CUES & set(before[-2:]) or " ".join(before).endswith(("i m a", "im a", "i am a")):
            # "just the shoes, size 42": when shoes are all the message names, a size is theirs
            system = "EU" if shoes_only and real_size("EU", label, department) else "IT"
        elif paired_with_clothes and prev in _AND:
            system = "EU"
    if system == "EU" and real_size("EU", label, department):
        return _Found("EU", label, garment_before=start)
    if system == "IT":
        if real_size("IT", label, department):
            return _Found("IT", label, garment_before=start)
        if prev == "size" and real_size("EU", label, department):  # "size 43": no suit comes in 43
            return _Found("EU", label)
    return None


def _ends_with(context: str, endings: tuple[str, ...]) -> bool:
    return any(context == e or context.endswith(" " + e) for e in endings)


def _letter_phrase(words: list[str], j: int) -> tuple[str, int] | None:
    """'small', 'extra large', '3x large' at j: (label, words used), longest first."""
    for n in (3, 2, 1):
        if j + n <= len(words) and (label := _LETTER_WORDS.get(" ".join(words[j:j + n]))):
            return label, n
    return None


def _clothes_at(words: list[str], k: int) -> bool:
    """A garment sized in IT or INT at k, over at most two colours ('a large black coat')."""
    for i in range(k, min(k + 3, len(words))):
        found = _garment_at(words, i)
        if found is not None:
            return found[0] == "IT"
        if not _is_colour(words[i]):
            return False
    return False


def _size_ends(words: list[str], k: int) -> bool:
    """What follows a size at k lets it be one: nothing, 'please', another size, a garment."""
    if words[k:k + 1] in (["size"], ["sized"]):  # "a medium size" is one; "a medium size bag" is the bag's
        k += 1
    if k >= len(words) or words[k] in _WORD_LETTER_FOLLOWERS:
        return True
    if words[k] in _AND | {"or", "o", "to"}:  # "a small or a medium", not "a small and cosy shop"
        nxt = words[k + 1] if k + 1 < len(words) else ""
        return nxt in ("a", "an", *_LETTERS) or nxt.isdigit() or _letter_phrase(words, k + 1) is not None
    return _clothes_at(words, k)


def _read_letter(words: list[str], j: int, upper: frozenset[int]) -> _Found | None:
    """An international size at j and how many words it takes."""
    context = " ".join(words[max(0, j - 3):j])
    garment = _garment_before(words, j)
    start = garment[1] if garment else None
    sized = _ends_with(context, _LETTER_CONTEXT) or garment is not None
    # where a size can stand: after a size cue or an article, or with only fillers before ("Medium please")
    placed = sized or words[j - 1:j] in (["a"], ["an"]) or all(w in _FILLERS for w in words[:j])
    phrase = _letter_phrase(words, j)
    if phrase is not None:
        label, used = phrase
        if label == "M" and j + used < len(words) and _is_colour(words[j + used]):
            return None  # "medium blue", "medium grey": a shade
        if _ends_with(context, _SIZE_WORDS) or garment or (placed and _size_ends(words, j + used)):
            return _Found("INT", label, used, start)
        return None
    word = words[j]
    nxt = words[j + 1] if j + 1 < len(words) else None
    if word in _ITALIAN_LETTER_WORDS and _ends_with(context, ("taglia",)):
        return _Found("INT", _ITALIAN_LETTER_WORDS[word], 1)
    if word in _LETTERS and word not in ("s", "m", "l"):
        return _Found("INT", _LETTERS[word], 1, start)
    if word in ("s", "m", "l"):
        # "M and 42", "taglia S e 38": a letter paired with a shoe number
        paired = nxt in _AND and j + 2 < len(words) and words[j + 2].isdigit()
        if paired or (sized and (_ends_with(context, _SIZE_WORDS) or nxt is None
                                 or nxt in _LETTER_FOLLOWERS or not nxt.isalpha())):
            return _Found("INT", _LETTERS[word], 1, start)
        # typed in capitals, alone or before a garment ("M please", "an L hoodie"); "I'm", "it's" are not
        if j in upper and (words[j - 1:j] in (["a"], ["an"]) or all(w in _FILLERS for w in words[:j])) \
                and _size_ends(words, j + 1):
            return _Found("INT", _LETTERS[word], 1, start)
    return None


def _read_foreign(words: list[str], upper: frozenset[int], j: int, department: str | None,
                  adult: tuple[str, ...]) -> _Found | None:
    """A US/UK size, a half size or a chest size at j; None leaves the number to _read_number.

    `adult` is the departments whose tables apply: the shopper's, else the one the message names,
    else both (the reading then lists both for the answer to ask).
    """
    number = said_number(words[j])
    if number is None:
        return None
    value, said_label, chest_mark = number
    nxt = words[j + 1] if j + 1 < len(words) else ""
    if nxt in _NOT_SIZE_NOUNS or nxt in _AGE_WORDS or words[j - 1:j] in (["age"], ["eta"], ["aged"]):
        return None
    system, start, extra = system_said(words, upper, j)
    used = 1 + extra
    garment, garment_start = _garment_after(words, j + extra), None
    if garment is None and (before := _garment_before(words, start)) is not None:
        garment, garment_start = before
    chest = chest_mark or chest_named(words, start, j + used) or (system is not None and garment == "IT"
                                                                    and value >= 30)
    if system == "EU" or (system is None and value >= FOREIGN_BELOW and not chest):
        if system is None and (value == int(value) or garment != "EU"):
            return None  # EU and IT numbers as always
        label = str(math.ceil(value))  # EU 37.5 -> 38: the shop has whole sizes, a half rounds up
        if not real_size("EU", label, department):
            return None
        return _Found("EU", label, used, garment_start, (said_label, "EU") if value != int(value) else None)
    if not adult:
        return None  # children's US sizes are not converted
    context = " ".join(words[max(0, start - 3):start])
    # "size 10 shoes", "a 10 dress", "boots 9", "I'm a size 8": a cue or the garment first; "2 boots" counts
    if system is None and not chest and not _ends_with(context, BARE_CUES) and value == int(value) \
            and (garment is None or (garment_start is None and not _ends_with(context, ("a", "an", "in")))):
        return None
    bare = system is None and garment is None and not chest
    kinds = ("chest",) if chest else ("shoe",) if garment == "EU" else ("dress",) if garment == "IT" \
        else ("shoe", "dress")
    options = size_options(value, system, kinds, adult)
    if bare or len(options) > 1:  # "I'm a size 8": a US dress, a UK dress or a US shoe; ask
        return _Found("", said_label, used, garment_start, options=options) if options else None
    if not options:
        return _NOTHING if system or chest_mark else None
    option = options[0]
    return _Found(option.system, option.label, used, garment_start, (said_label, option.said_system))


def _clauses(text: str) -> list[tuple[list[str], frozenset[int], bool]]:
    """Clauses as word lists, each with the words typed in capitals and whether it is a question."""
    # Case tells "US 9" from "us" and "an M" from "I'm", unless the whole message is in capitals.
    shouting = not any(c.islower() for c in text) and sum(c.isalpha() for c in text) > 3
    out = []
    for body, punct in _CLAUSE.findall(text):
        words = normalise(body).split()
        cased = re.sub(r"[^A-Za-z0-9€]+", " ", strip_accents(body)).split()
        upper = frozenset(i for i, w in enumerate(cased) if w.isupper()) \
            if len(cased) == len(words) and not shouting else frozenset()
        if words:
            out.append((words, upper, "?" in punct))
    return out


def _own_in_question(words: list[str], found: _Found, own_need: bool) -> bool:
    """A size in a question that is still the shopper's own (see the module doc)."""
    joined = " ".join(words)
    if found.garment_before is not None:
        k = found.garment_before
        if not (k > 0 and words[k - 1] in _DEFINITE):
            return True
    return own_need and not _SHOWN.search(joined)


def _named_systems(words: list[str]) -> set[str]:
    """The size systems of the garments a message names ('just the shoes' -> {'EU'})."""
    systems: set[str] = set()
    i = 0
    while i < len(words):
        found = _garment_at(words, i)
        if found is not None:
            systems.add(found[0])
        i += found[1] if found is not None else 1
    return systems


def read_sizes(message: str, department: str | None = None) -> SizeReading:
    """Sizes the shopper states as theirs (chosen), converted from US/UK where said (converted), sizes
    they only ask about (asked) and sizes that read several ways (ambiguous)."""
    reading = SizeReading()
    message = _ITALIAN_SIZE.sub("taglia ", _CORRECTION.sub(_plain_size_word, mark_half_sizes(message)))
    whole = normalise(message).split()
    kids_context = department == "kids" or bool(_KIDS_WORDS & set(whole))
    named = department_named(whole)
    # The session's department decides the US/UK table, else the message's "for my wife"; else both.
    adult: tuple[str, ...] = () if kids_context else (department,) if department in _ADULT \
        else (named,) if named else _ADULT
    own_need = bool(_OWN_NEED.search(" ".join(whole)))
    # one number and only shoes named: the number is the shoe size ("taglia 50 e scarpe 43" is not)
    shoes_only = _named_systems(whole) == {"EU"} and sum(w.isdigit() for w in whole) == 1
    for words, upper, question in _clauses(message):
        joined = " ".join(words)
        asking = (question or bool(_AVAILABILITY.search(joined))) and not _DECLARATIVE.search(joined)
        clothes_before = False  # a clothes size just read: a bare number after it is the shoe size
        j = 0
        while j < len(words):
            word = words[j]
            found = _read_foreign(words, upper, j, department, adult)
            if found is None and word.isdigit() and len(word) <= 3:
                found = _read_number(words, j, department, kids_context, clothes_before, shoes_only)
                nxt = words[j + 1] if j + 1 < len(words) else ""
                if found is None and asking and j > 0 and words[j - 1] in _ASKED_BEFORE \
                        and nxt not in _NOT_SIZE_NOUNS:
                    reading.asked.append(word)
            elif found is None and re.fullmatch(r"\d{1,2}a", word) and in_run("AGE", word.upper(), None):
                found = _Found("AGE", word.upper())
            elif found is None:
                found = _read_letter(words, j, upper)
            if found is not None and found is not _NOTHING:
                if asking and not _own_in_question(words, found, own_need):
                    reading.asked.append(found.label)
                elif found.options:
                    reading.ambiguous.append(AmbiguousSize(found.label, found.options))
                else:
                    reading.chosen[found.system] = found.label
                    if found.said:
                        reading.converted[found.system] = found.said
                    else:  # a later plain size replaces a converted one
                        reading.converted.pop(found.system, None)
                clothes_before = found.system in ("INT", "IT")
            elif word not in _AND:
                clothes_before = False
            j += found.used if found is not None else 1
    _settle_by_garment(reading, whole)
    return reading


# Words that say the size is for clothes ("interview outfit") or for shoes, beyond the garments above.
_SETTLE_CLOTHES = _CLOTHES_WORDS | {"outfit", "look", "clothes", "dress", "dresses", "wardrobe", "abiti",
                                    "vestito", "vestiti", "blazer", "suit"}
_SETTLE_SHOES = _SHOE_WORDS | {"boots", "sandals", "sneakers", "heels", "pumps", "trainers", "stivali"}


def _settle_by_garment(reading: SizeReading, words: list[str]) -> None:
    """A US/UK number that reads as a shoe or a dress size is settled when the message names only
    clothes ("interview outfit, US size 6") or only shoes; otherwise it stays a question."""
    said = set(words)
    clothes, shoes = bool(_SETTLE_CLOTHES & said), bool(_SETTLE_SHOES & said)
    if clothes == shoes:
        return
    system = "IT" if clothes else "EU"
    still: list[AmbiguousSize] = []
    for doubt in reading.ambiguous:
        options = [o for o in doubt.options if o.system == system]
        labels = {(o.system, o.label, o.said_system) for o in options}
        if len(labels) == 1 and system not in reading.chosen:
            option = options[0]
            reading.chosen[option.system] = option.label
            reading.converted[option.system] = (doubt.label, option.said_system)
        else:
            still.append(doubt)
    reading.ambiguous = still
