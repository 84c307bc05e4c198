"""Enrich one product as a feed describes it: the retailer's overrides, then what the feed's own
fields say, then what the lexicons read in its words. The model and LLM passes fill what is left."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from tools.enrichment import rules
from tools.enrichment.materials import fabric_of, pattern_of
from tools.enrichment.values import OVERRIDE_NAMES, Enrichment
from tools.lexicon import match_terms, normalise
from tools.taxonomy import CATEGORIES, DEPARTMENTS, FITS, OCCASIONS, SEASONS, STYLES

# Confidence of values read from the feed's own fields (its words mapped to the shop's keys).
FEED_SURE = 0.95


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
            return [str(v) for v in loaded] if isinstance(loaded, list) else [text]
        except ValueError:
            pass
    return [p for p in re.split(r"[,;|/]", text) if p.strip()]


def _keys(values: list[str], allowed: Mapping[str, Any], kind: str | None = None) -> list[str]:
    """Shop keys named by a list of words (keys themselves, or their IT/EN labels)."""
    out: list[str] = []
    for value in values:
        key = normalise(value).replace(" ", "_")
        if key not in allowed and kind:
            found = match_terms(value).keys(kind)
            key = found[0] if found else key
        if key in allowed and key not in out:
            out.append(key)
    return out


def _says_suit(texts: list[str]) -> bool:
    words = f" {normalise(' '.join(texts))} "
    return any(f" {w} " in words for w in ("tailleur", "suit", "suits", "completo", "pantsuit", "tuxedo",
                                             "smoking", "due pezzi", "tre pezzi"))


def overrides(raw: Mapping[str, Any] | None) -> Enrichment:
    """The retailer's own values for attributes (a feed column or a mapping target named after
    them): they always win. A value that names nothing in the shop's vocabulary is ignored."""
    found = Enrichment()
    for column, value in (raw or {}).items():
        name = OVERRIDE_NAMES.get(normalise(column.removeprefix("sarto_")).replace(" ", "_"))
        if name is None or value in (None, ""):
            continue
        words = _split(value)
        parsed: Any = None
        if name == "occasions":
            parsed = _keys(words, OCCASIONS, "occasion")
        elif name == "seasons":
            parsed = _keys(words, SEASONS, "season")
        elif name == "formality":
            digits = words[0].strip() if words else ""
            parsed = int(digits) if digits.isdigit() and 1 <= int(digits) <= 5 else None
        elif name in ("fit", "style"):
            keys = _keys(words, {k: k for k in (FITS if name == "fit" else STYLES)})
            parsed = keys[0] if keys else None
        elif name == "department":
            keys = _keys(words, DEPARTMENTS, "department")
            parsed = keys[0] if keys else None
        elif name == "category":
            keys = _keys(words, CATEGORIES, "category")
            parsed = keys[0] if keys else None
        elif name == "compatible_categories":
            parsed = _keys(words, CATEGORIES, "category")
        else:
            parsed = normalise(str(value)).replace(" ", "_")[:48] or None
        found.set(name, parsed, "feed", 1.0)
    return found


def enrich(*, title: str, description: str | None, product_type: str | None,
           google_product_category: str | None, tags: list[str], department: str | None,
           category: str | None, colours: list[str], pattern: str | None,
           fabric: list[dict[str, Any]] | None, material: str | None,
           raw_attributes: Mapping[str, Any] | None, house_lean: float = 0.0) -> Enrichment:
    """Every attribute this product's rows let a stylist say, each with source and confidence."""
    out = overrides(raw_attributes)
    path = rules.words_of(product_type)
    tag_text = ", ".join(tags)
    # most specific first: the path's leaf, the title, the tags, then the path's other steps
    texts = [*reversed(path), title, tag_text, *rules.words_of(google_product_category)]
    copy = [title, tag_text, description or "", material or ""]

    out.set("department", department, "feed", FEED_SURE)
    if out.get("department") is None:
        said = match_terms(f"{title} {tag_text}").departments
        out.set("department", said[0] if len(said) == 1 else None, "rules", 0.7)
    dept = out.get("department")
    # A garment kind the retailer's path names ("Abito midi") is surer than the path's broader
    # step read as a category ("Abito" alone is a suit); one only the title names is a reading.
    named = rules.kind_of(texts, None, dept)
    if named is not None and named[1] < len(path):
        out.set("category", named[0].category, "feed", FEED_SURE)
    out.set("category", category, "feed", FEED_SURE)
    out.set("category", named[0].category if named else None, "rules", 0.8)
    if out.get("category") is None:  # the shop's own category words, anywhere in the title or tags
        said_categories = [c for c in match_terms(f"{title} {tag_text}").categories
                           if dept is None or dept in CATEGORIES[c].departments]
        out.set("category", said_categories[0] if said_categories else None, "rules", 0.75)
    if out.get("category") == "suit" and dept == "womenswear" and not _says_suit(texts):
        # a woman's "abito" is a dress; her suits are "tailleur" (or say "suit")
        out.put("category", "dress", out.values["category"].source, out.confidence("category"))
    cat = out.get("category")
    kind = named[0] if named is not None and named[0].category == cat else None
    if kind is None and cat is not None:
        of_category = rules.kind_of(texts, cat, dept)
        kind = of_category[0] if of_category else None
    if kind is not None:
        out.set("subcategory", kind.key, "rules", 0.85)
    out.set("colours", colours, "feed", FEED_SURE)
    if not colours:
        out.set("colours", match_terms(title).colours[:1], "rules", 0.8)
    out.set("pattern", pattern, "feed", FEED_SURE)
    if out.get("pattern") is None:
        for word in normalise(title).split():
            if pattern_of(word):
                out.set("pattern", pattern_of(word), "rules", 0.75)
                break
    out.set("fabric", fabric, "feed", FEED_SURE)
    if out.get("fabric") is None:
        for text in (description, title):
            out.set("fabric", fabric_of(text), "rules", 0.75)
    fibres = [str(p.get("fibre")) for p in out.get("fabric") or ()]
    fit = rules.fit_of([title, tag_text], cat)
    if fit:
        out.set("fit", fit[0], "rules", fit[1])
    if cat is None:
        return out
    named_seasons, fabric_band = rules.fabric_hints([title, material or "", description or ""])
    seasons, season_sure = rules.seasons_of(cat, fibres, named_seasons, copy)
    out.set("seasons", seasons, "rules", season_sure)
    formality, formality_sure, lean = rules.formality_of(cat, kind, fabric_band, fibres, out.get("pattern"),
                                                  out.get("colours") or [], out.get("fit"), copy,
                                                  house_lean)
    out.set("formality", formality, "rules", formality_sure)
    out.lean = lean
    formality = out.get("formality")
    seasons = out.get("seasons") or []
    out.set("occasions", rules.occasions_of(cat, dept, formality, seasons), "rules",
            out.confidence("formality") * 0.9)
    style, style_sure = rules.style_of(cat, formality, copy)
    out.set("style", style, "rules", style_sure)
    out.set("emotional", rules.emotional_of(out.get("style"), seasons), "rules", 0.4)
    out.set("compatible_categories",
            rules.compatible_of(dept, cat, out.get("occasions") or [], formality, seasons), "rules",
            min(out.confidence("formality"), out.confidence("occasions")))
    if dept in ("menswear", "womenswear"):
        out.set("target_age", "adult", "rules", 0.6)
    return out
