"""The mapping file that lets any CSV or JSONL catalog in: which source column is which Sarto field.

A mapping is TOML:

```toml
format = "csv"               # optional: "csv" or "jsonl"; otherwise from the file's suffix
delimiter = ";"              # optional, CSV only: "," ";" "\\t" or "|"; otherwise read from the header
price_format = "comma"       # optional: "auto" (default), "point" (1234.56), "comma" (1.234,56),
                             # or "cents" (123456 = 1234.56)

[columns]                    # source column = Sarto field
"Codice" = "id"
"Modello" = "item_group_id"
"Nome prodotto" = "title"
"Prezzo" = "price"           # "89,90", "89.90 EUR", ... as price_format says
"Valuta" = "currency"        # or give [defaults] currency
"Taglia" = "size"
"variants.color" = "color"   # JSONL: a dotted path reaches into nested objects

[defaults]                   # values for fields the file does not carry (or leaves empty)
currency = "EUR"
brand = "Atelier Brera"
```

Fields: every Merchant field Sarto reads — id, item_group_id, title, description, link, image_link,
additional_image_link, availability, price, sale_price, currency, brand, gtin, mpn, condition,
google_product_category, product_type, gender, age_group, color, size, size_system, size_type,
material, pattern, quantity, tags. `id`, `title` and `price` must be mapped. Source columns the
mapping does not name are kept as raw attributes (`extra`). List fields (tags,
additional_image_link) take a JSON array or a comma-separated cell.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from tools.catalog.feeds.rows import FeedError
from tools.catalog.feeds.values import PRICE_FORMATS, PriceFormat
from tools.catalog.feeds.variants import FIELDS

REQUIRED = ("id", "title", "price")
LIST_FIELDS = ("tags", "additional_image_link")
_ALIASES = {"additional_image_links": "additional_image_link", "colour": "color"}
_DELIMITERS = {",": ",", ";": ";", "\t": "\t", "\\t": "\t", "tab": "\t", "|": "|"}


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]  # source column (or dotted JSON path) → Sarto field
    defaults: dict[str, str] = field(default_factory=dict)
    format: str | None = None  # "csv" | "jsonl" | None (from the suffix)
    delimiter: str | None = None
    price_format: PriceFormat = "auto"


def _target(name: object, where: str) -> str:
    if not isinstance(name, str):
        raise FeedError(f"{where} must be a field name in quotes, not {name!r}")
    target = _ALIASES.get(name.strip().lower(), name.strip().lower())
    if target not in FIELDS:
        raise FeedError(f"{where}: '{name}' is not a Sarto field; use one of {', '.join(FIELDS)}")
    return target


def load_mapping(path: Path) -> Mapping:
    """The mapping file read and checked; a mistake in it is a FeedError naming the line or key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise FeedError(f"cannot read the mapping {path.name}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise FeedError(f"the mapping {path.name} is not UTF-8; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise FeedError(f"the mapping {path.name} is not valid TOML: {e}") from None
    unknown = set(data) - {"columns", "defaults", "format", "delimiter", "price_format"}
    if unknown:
        raise FeedError(f"the mapping {path.name} has unknown keys {', '.join(sorted(unknown))}; it takes "
                        "[columns], [defaults], format, delimiter and price_format")
    raw_columns, raw_defaults = data.get("columns", {}), data.get("defaults", {})
    if not isinstance(raw_columns, dict) or not isinstance(raw_defaults, dict):
        raise FeedError(f"the mapping {path.name}: [columns] and [defaults] must be tables")
    columns = {str(src): _target(dst, f"{path.name} [columns] \"{src}\"") for src, dst in raw_columns.items()}
    targets = list(columns.values())
    twice = sorted({t for t in targets if targets.count(t) > 1 and t not in LIST_FIELDS})
    if twice:
        raise FeedError(f"the mapping {path.name} maps more than one column to {', '.join(twice)}; keep one")
    defaults: dict[str, str] = {}
    for key, value in raw_defaults.items():
        target = _target(key, f"{path.name} [defaults]")
        if target in ("id", "item_group_id"):
            raise FeedError(f"the mapping {path.name} [defaults] cannot give every row the same {target}")
        if not isinstance(value, str | int | float):
            raise FeedError(f"the mapping {path.name} [defaults] {key} must be a text or a number")
        defaults[target] = str(value)
    missing = [r for r in REQUIRED if r not in targets]
    if missing:
        raise FeedError(f"the mapping {path.name} maps no column to {', '.join(missing)}; add them "
                        f"under [columns], e.g. \"your column\" = \"{missing[0]}\"")
    fmt = data.get("format")
    if fmt is not None and fmt not in ("csv", "jsonl"):
        raise FeedError(f"the mapping {path.name}: format must be \"csv\" or \"jsonl\", not {fmt!r}")
    delimiter = data.get("delimiter")
    if delimiter is not None and delimiter not in _DELIMITERS:
        raise FeedError(f"the mapping {path.name}: delimiter must be \",\", \";\", \"\\t\" or \"|\"")
    price_format = data.get("price_format", "auto")
    if price_format not in PRICE_FORMATS:
        raise FeedError(f"the mapping {path.name}: price_format must be one of {', '.join(PRICE_FORMATS)}")
    return Mapping(columns=columns, defaults=defaults, format=fmt,
                   delimiter=_DELIMITERS[delimiter] if delimiter else None,
                   price_format=cast(PriceFormat, price_format))
