"""One derived value with where it came from and how sure that is, and a product's whole set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tools.taxonomy import ENRICHED_ATTRIBUTES

Source = Literal["seed", "feed", "rules", "model", "llm"]
ATTRIBUTES = ENRICHED_ATTRIBUTES
# A retailer's own column (or a mapping target) wins over anything derived: these are the names it may use.
OVERRIDE_NAMES = {
    "department": "department", "reparto": "department", "category": "category",
    "categoria": "category", "subcategory": "subcategory", "sottocategoria": "subcategory",
    "occasions": "occasions", "occasion": "occasions", "occasioni": "occasions",
    "occasione": "occasions", "formality": "formality", "formalita": "formality",
    "seasons": "seasons", "season": "seasons", "stagioni": "seasons", "stagione": "seasons",
    "fit": "fit", "vestibilita": "fit", "style": "style", "stile": "style",
    "compatible_categories": "compatible_categories", "abbinamenti": "compatible_categories",
}


@dataclass(frozen=True)
class Derived:
    value: Any
    source: Source
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "confidence": round(self.confidence, 2)}


@dataclass
class Enrichment:
    """A product's derived attributes; an attribute absent here is unknown."""

    values: dict[str, Derived] = field(default_factory=dict)
    lean: float = 0.0  # how much more (or less) formal than its category's norm the rules read it

    def set(self, name: str, value: Any, source: Source, confidence: float) -> None:
        """Keep the first value set: callers go from the surest source to the least sure."""
        if value in (None, [], "") or name in self.values:
            return
        self.values[name] = Derived(value, source, max(0.0, min(1.0, confidence)))

    def put(self, name: str, value: Any, source: Source, confidence: float) -> None:
        """Replace a value with a surer one (the LLM pass over an unsure rule)."""
        self.values.pop(name, None)
        self.set(name, value, source, confidence)

    def get(self, name: str) -> Any:
        found = self.values.get(name)
        return found.value if found else None

    def confidence(self, name: str) -> float:
        found = self.values.get(name)
        return found.confidence if found else 0.0

    def columns(self) -> dict[str, Any]:
        """The Product columns: every attribute (None when unknown), its sources and confidences."""
        out: dict[str, Any] = {name: self.get(name) for name in ATTRIBUTES}
        out["colours"] = out["colours"] or []
        out["attribute_sources"] = {k: v.source for k, v in self.values.items()}
        out["attribute_confidence"] = {k: round(v.confidence, 2) for k, v in self.values.items()}
        return out
