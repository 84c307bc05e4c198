"""Italian and English shop copy: titles and 2–3 sentence descriptions from varied phrase banks."""

from __future__ import annotations

import random

from catalog_seed.assortment import CASUAL_FIT_CATEGORIES, TAILORED_CATEGORIES, Subcategory
from catalog_seed.fabrics import CARE, Fabric, composition_text
from tools.taxonomy import CATEGORIES, COLOURS

# Italian colour adjectives by gender/number (m, f, mp, fp); the others are invariable.
_IT_COLOUR_FORMS: dict[str, tuple[str, str, str, str]] = {
    "black": ("nero", "nera", "neri", "nere"),
    "white": ("bianco", "bianca", "bianchi", "bianche"),
    "grey": ("grigio", "grigia", "grigi", "grigie"),
    "red": ("rosso", "rossa", "rossi", "rosse"),
    "yellow": ("giallo", "gialla", "gialli", "gialle"),
    "light_blue": ("azzurro", "azzurra", "azzurri", "azzurre"),
    "green": ("verde", "verde", "verdi", "verdi"),
    "brown": ("marrone", "marrone", "marroni", "marroni"),
}
_GENDER_INDEX = {"m": 0, "f": 1, "mp": 2, "fp": 3}

_PATTERN_IT = {
    "pinstripe": "gessat",
    "check": "a quadri",
    "stripes": "a righe",
    "herringbone": "a spina di pesce",
    "floral": "a fiori",
    "polka_dots": "a pois",
    "melange": "mélange",
}
_PATTERN_EN = {
    "pinstripe": "pinstripe",
    "check": "check",
    "stripes": "striped",
    "herringbone": "herringbone",
    "floral": "floral",
    "polka_dots": "polka-dot",
    "melange": "melange",
}
_FIT_IT = {
    "slim": "slim",
    "regular": "regolare",
    "relaxed": "morbida",
    "tailored": "sartoriale",
    "oversize": "oversize",
}
_FIT_DESC = {
    "slim": ("asciutta e moderna", "close to the body without feeling tight"),
    "regular": ("comoda senza essere abbondante", "comfortable without extra volume"),
    "relaxed": ("ampia quanto basta per muoversi liberamente", "easy through the body, made to move freely"),
    "tailored": ("costruita sulle spalle con linee precise", "shaped through the shoulders with clean lines"),
    "oversize": ("ampia e contemporanea", "roomy and contemporary"),
}
_OCCASION_PHRASE = {
    "business": ("gli incontri di lavoro", "business meetings"),
    "office": ("l'ufficio", "the office"),
    "ceremony": ("cerimonie e matrimoni", "ceremonies and weddings"),
    "evening": ("le serate eleganti", "evenings out"),
    "date": ("un appuntamento speciale", "a special date"),
    "casual": ("il tempo libero", "days off"),
    "travel": ("i viaggi", "travelling"),
    "sport": ("l'allenamento", "training"),
    "outdoor": ("le escursioni", "the outdoors"),
    "beach": ("le giornate al mare", "days at the beach"),
}
_STYLE_IT = {
    "classic": "classico",
    "modern": "moderno",
    "elegant": "elegante",
    "casual": "casual",
    "sporty": "sportivo",
    "minimal": "minimale",
    "romantic": "romantico",
    "streetwear": "streetwear",
    "technical": "tecnico",
}


def colour_it(colour: str, gender: str) -> str:
    forms = _IT_COLOUR_FORMS.get(colour)
    if forms:
        return forms[_GENDER_INDEX[gender]]
    return COLOURS[colour][0]


def _pattern_it(pattern: str, gender: str) -> str:
    phrase = _PATTERN_IT[pattern]
    if phrase.endswith("gessat"):  # the only pattern adjective that agrees
        return phrase + "oaie"[_GENDER_INDEX[gender]]
    return phrase


def _fits_in_title(category: str) -> bool:
    return category in TAILORED_CATEGORIES or category in CASUAL_FIT_CATEGORIES


def titles(
    sub: Subcategory, category: str, department: str, fabric: Fabric, colour: str, pattern: str, fit: str
) -> tuple[str, str]:
    """("Giacca monopetto in lana vergine blu navy, vestibilità slim", "Navy ... blazer, slim fit")."""
    it = sub.it
    en_head = COLOURS[colour][1]
    if pattern != "solid":
        it += " " + _pattern_it(pattern, sub.gender)
        en_head += " " + _PATTERN_EN[pattern]
    it += f" in {fabric.it} {colour_it(colour, sub.gender)}"
    en = f"{en_head} {fabric.en} {sub.en}"
    if _fits_in_title(category):
        it += f", vestibilità {_FIT_IT[fit]}"
        en += f", {fit} fit"
    if department == "kids":
        it += " - bambini"
        return it, "Kids' " + en
    return it, en[0].upper() + en[1:]


def _join(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def descriptions(
    rng: random.Random,
    sub: Subcategory,
    category: str,
    fabric: Fabric,
    colours: list[str],
    fit: str,
    style: str,
    occasions: list[str],
    compatible: list[str],
    brand: str,
    sized_garment: bool,
) -> tuple[str, str]:
    """Two or three sentences in each language: fabric, fit and occasion, pairing, care."""
    comp_it, comp_en = composition_text(fabric, "it"), composition_text(fabric, "en")
    note_it, note_en = fabric.note
    v = rng.randrange(3)
    if v == 0:
        s1 = (
            f"Il materiale è {fabric.it} ({comp_it}), {note_it}.",
            f"Made from {fabric.en} ({comp_en}), {note_en}.",
        )
    elif v == 1:
        s1 = (
            f"{brand} sceglie {fabric.it} ({comp_it}), un materiale {note_it}.",
            f"{brand} works in {fabric.en} ({comp_en}): {note_en}.",
        )
    else:
        s1 = (f"Composizione: {comp_it}, per un materiale {note_it}.", f"Composition: {comp_en}; {note_en}.")
    occ_it = _join([_OCCASION_PHRASE[o][0] for o in occasions[:2]], "e")
    occ_en = _join([_OCCASION_PHRASE[o][1] for o in occasions[:2]], "and")
    if sized_garment:
        fd_it, fd_en = _FIT_DESC[fit]
        s2 = (
            f"Vestibilità {_FIT_IT[fit]}, {fd_it}: ideale per {occ_it}.",
            f"{'An' if fit[0] in 'aeiou' else 'A'} {fit} fit, {fd_en}: made for {occ_en}.",
        )
    else:
        s2 = (f"Dal gusto {_STYLE_IT[style]}, ideale per {occ_it}.", f"A {style} piece made for {occ_en}.")
    pair = [c for c in compatible if c != category][:2]
    if pair and rng.random() < 0.7:
        p_it = _join([CATEGORIES[c].it for c in pair], "e")
        p_en = _join([CATEGORIES[c].en for c in pair], "and")
        s2 = (s2[0][:-1] + f"; da abbinare a {p_it}.", s2[1][:-1] + f"; pair it with {p_en}.")
    if len(colours) > 1:
        extra = COLOURS[colours[1]]
        s2 = (s2[0] + f" Dettagli {extra[0]}.", s2[1] + f" With {extra[1]} details.")
    care_it, care_en = CARE[fabric.care]
    if rng.random() < 0.85:
        s3 = (f"Cura: {care_it}.", f"Care: {care_en}.")
        return f"{s1[0]} {s2[0]} {s3[0]}", f"{s1[1]} {s2[1]} {s3[1]}"
    return f"{s1[0]} {s2[0]}", f"{s1[1]} {s2[1]}"
