"""Which sizes exist, and US/UK sizes turned into the shop's: shoes to EU, women's clothes and men's
jackets to IT.

The conversions are the trade's rules of thumb, not a brand's fit chart: close enough to pick a size to
try on, and the reading keeps what the shopper said so the answer can show it and be corrected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tools.taxonomy import SIZE_RUNS

# Real sizes the shop may not stock: kept so the answer can say so, instead of dropped.
_REAL_SIZES: dict[str, dict[str, range]] = {
    "IT": {"menswear": range(44, 68, 2), "womenswear": range(36, 58, 2)},
    "EU": {"menswear": range(36, 51), "womenswear": range(33, 45), "kids": range(16, 41)},
}
# EU shoe = US/UK + offset. Men's and women's scales start at different foot lengths, so the
# department decides the table.
_SHOE_OFFSET = {("US", "menswear"): 33, ("US", "womenswear"): 31,
                ("UK", "menswear"): 34, ("UK", "womenswear"): 33}
# IT women's = US/UK dress size + offset. Both go in even steps like IT's: an odd number is no dress size.
_DRESS_OFFSET = {"US": 36, "UK": 32}
# Men's jackets in the US and the UK are sized by chest in inches ("40R"): IT = chest + 10.
_CHEST_OFFSET = 10
_CHEST_INCHES = range(32, 61)
# US/UK shoe and dress numbers stay below the EU shoe and IT clothes numbers adults use (28 and up).
FOREIGN_BELOW = 28
_SHOE_BELOW = 16

# "6.5", "6,5", "6½", "6 1/2", "6 and a half": one token, so the clause split does not cut it at the dot.
_HALF = re.compile(r"\b(\d{1,2})(?:[.,]5|\s*½|\s+1/2|\s+and\s+a\s+half)(?!\d)")
_NUMBER = re.compile(r"(\d{1,2})(half|r)?")
_SYSTEM_WORDS = {"uk": "UK", "british": "UK", "american": "US", "eu": "EU", "european": "EU",
                 "europe": "EU"}
# Words between a system and its number: "US women's 8", "UK shoe size 5".
_SYSTEM_FILLERS = frozenset({"size", "sizes", "sz", "shoe", "dress", "women", "men", "s", "womens", "mens",
                             "ladies"})
# "us" the pronoun follows these ("show us 3 dresses"); the system follows anything else.
_PRONOUN_BEFORE = frozenset({"show", "give", "tell", "help", "send", "let", "for", "with", "to", "of",
                             "about", "join", "call", "email", "contact", "lets", "from", "by", "sent",
                             "gave", "both", "all", "brought", "offer", "get", "got", "find", "bring",
                             "told"})
# Cues that make a lone small number a size at all ("I'm a size 8", not "2 sneakers" or "at 10").
BARE_CUES = ("size", "sz", "i m a", "im a", "i am a", "i wear a", "i wear", "i take a", "i take", "wear a",
             "size is")
_MEN = frozenset({"man", "men", "mens", "guy", "guys", "male", "gents", "gentleman", "gentlemen", "husband",
                  "boyfriend", "dad", "father", "brother", "uomo"})
_WOMEN = frozenset({"woman", "women", "womens", "lady", "ladies", "female", "wife", "girlfriend", "mum",
                    "mom", "mother", "sister", "donna", "signora"})


@dataclass(frozen=True)
class SizeOption:
    """One way to read a US/UK number: what the shop would call it, in which department's table."""

    said_system: str  # the shopper's system: "US" or "UK"
    system: str  # the shop's system: "EU" (shoes) or "IT" (clothes)
    label: str  # the shop's label: "39"
    department: str  # "menswear" or "womenswear"


@dataclass(frozen=True)
class AmbiguousSize:
    """A size with several readings (US or UK? dress or shoe? men's or women's?): ask, do not guess."""

    label: str  # as the shopper wrote it: "8", "6.5"
    options: tuple[SizeOption, ...]


def in_run(system: str, label: str, department: str | None) -> bool:
    """In the shop's run for the department (any department's when it is unknown)."""
    runs = SIZE_RUNS[system]
    if department and department in runs:
        return label in runs[department]
    return any(label in run for run in runs.values())


def real_size(system: str, label: str, department: str | None) -> bool:
    """In the shop's run, or a size that exists in the trade for that department."""
    if in_run(system, label, department):
        return True
    ranges = _REAL_SIZES.get(system)
    if ranges is None or not label.isdigit():
        return False
    if department:
        return department in ranges and int(label) in ranges[department]
    return any(int(label) in r for r in ranges.values())


def mark_half_sizes(message: str) -> str:
    return _HALF.sub(r"\1half", message)


def said_number(token: str) -> tuple[float, str, bool] | None:
    """A normalised token as a size number: (value, label as said, chest mark). '6half' -> (6.5, '6.5')."""
    match = _NUMBER.fullmatch(token)
    if match is None:
        return None
    whole, mark = match.groups()
    if mark == "half":
        return int(whole) + 0.5, f"{whole}.5", False
    return float(whole), whole + ("R" if mark else ""), mark == "r"


def department_named(words: Iterable[str]) -> str | None:
    """'for my husband' -> menswear, 'for a woman' -> womenswear; None when both or neither."""
    said = set(words)
    men, women = bool(_MEN & said), bool(_WOMEN & said)
    if men == women:
        return None
    return "menswear" if men else "womenswear"


def _system_at(words: list[str], upper: frozenset[int], k: int, after_number: bool) -> str | None:
    if words[k] == "us":
        pronoun = not after_number and k not in upper and k > 0 and words[k - 1] in _PRONOUN_BEFORE
        return None if pronoun else "US"
    return _SYSTEM_WORDS.get(words[k])


def system_said(words: list[str], upper: frozenset[int], j: int) -> tuple[str | None, int, int]:
    """The size system named beside the number at j: (system, where the phrase starts, words after j).

    `upper` holds the positions of words typed in capitals: "US" is the system, "us" may be the pronoun.
    """
    for k in range(j - 1, max(-1, j - 4), -1):  # "US 9", "US women's 8", "UK shoe size 5"
        if system := _system_at(words, upper, k, after_number=False):
            return system, k, 0
        if words[k] not in _SYSTEM_FILLERS:
            break
    k = j + 2 if words[j + 1:j + 2] == ["in"] else j + 1  # "11 US", "9 in UK sizes"
    if k < len(words) and (system := _system_at(words, upper, k, after_number=True)):
        return system, j, k - j
    return None, j, 0


def chest_named(words: list[str], start: int, end: int) -> bool:
    """A chest size around words[start:end]: '38 chest', '40 inch chest', 'chest size 42', '40 regular'."""
    after = words[end:end + 2]
    if after[:1] == ["chest"] or after in (["inch", "chest"], ["inches", "chest"], ["in", "chest"]):
        return True
    if after[:1] in (["regular"], ["reg"]) and after[1:] != ["fit"]:
        return True
    return "chest" in words[max(0, start - 2):start]


def _shoe(value: float, said: str, department: str) -> str | None:
    if not 1 <= value < _SHOE_BELOW:
        return None
    return str(math.ceil(value + _SHOE_OFFSET[(said, department)]))  # a half rounds UP: a 37 pinches a 37.5


def _dress(value: float, said: str) -> str | None:
    if value != int(value) or value % 2 or value > 30:
        return None
    return str(int(value) + _DRESS_OFFSET[said])


def _chest(value: float) -> str | None:
    return str(int(value) + _CHEST_OFFSET) if value == int(value) and int(value) in _CHEST_INCHES else None


def size_options(value: float, said: str | None, kinds: tuple[str, ...],
                 departments: tuple[str, ...]) -> tuple[SizeOption, ...]:
    """The real sizes `value` can be as one of `kinds` ('shoe', 'dress', 'chest') in `departments`.

    With no system named, a shoe is a US size (tourists) and a dress either a US or a UK one.
    """
    out: list[SizeOption] = []
    for department in departments:
        for kind in kinds:
            if kind == "shoe":
                out.append(SizeOption(said or "US", "EU", _shoe(value, said or "US", department) or "",
                                      department))
            elif kind == "dress" and department == "womenswear":
                for system in (said,) if said else ("US", "UK"):
                    out.append(SizeOption(system, "IT", _dress(value, system) or "", department))
            elif kind == "chest" and department == "menswear":
                out.append(SizeOption(said or "US", "IT", _chest(value) or "", department))
    return tuple(o for o in out if o.label and real_size(o.system, o.label, o.department))
