"""Any catalog as CSV or JSON Lines, read through a mapping file (see `mapping.py` for its format):
mapped columns become Sarto fields, the others are kept raw in `extra`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.catalog.feeds.mapping import LIST_FIELDS, Mapping
from tools.catalog.feeds.rows import FeedError, FeedProblem, FeedVariant
from tools.catalog.feeds.source import text_lines
from tools.catalog.feeds.tables import read_table
from tools.catalog.feeds.variants import Raw, VariantBuilder


def generic_format(path: Path, mapping: Mapping) -> str:
    if mapping.format:
        return mapping.format
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"


def read_generic(path: Path, *, max_bytes: int, mapping: Mapping, builder: VariantBuilder
                 ) -> Iterator[FeedVariant | FeedProblem]:
    if generic_format(path, mapping) == "jsonl":
        yield from _read_jsonl(path, max_bytes, mapping, builder)
    else:
        yield from _read_csv(path, max_bytes, mapping, builder)


def _split(rows: dict[str, Any], mapping: Mapping) -> tuple[dict[str, Raw], dict[str, str]]:
    fields: dict[str, Raw] = {}
    for source, target in mapping.columns.items():
        value = _lookup(rows, source)
        if value is None or value == "" or value == []:
            continue
        if target in LIST_FIELDS:
            items = value if isinstance(value, list) else str(value).split(",")
            previous = fields.get(target)
            fields[target] = [*(previous if isinstance(previous, list) else []), *(_scalar(i) for i in items)]
        else:
            fields[target] = _scalar(value)
    top = {source.split(".")[0] for source in mapping.columns}
    extra = {k: _scalar(v) for k, v in rows.items() if k not in top and v not in (None, "", [], {})}
    return fields, extra


def _lookup(row: dict[str, Any], source: str) -> Any:
    if source in row:
        return row[source]
    value: Any = row
    for part in source.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _read_csv(path: Path, max_bytes: int, mapping: Mapping, builder: VariantBuilder
              ) -> Iterator[FeedVariant | FeedProblem]:
    rows = read_table(path, max_bytes=max_bytes, delimiters=mapping.delimiter or ",;\t|",
                      what="this mapped CSV (the mapping names it)", canonical=str.strip,
                      required=list(mapping.columns))
    for row in rows:
        fields, extra = _split(dict(row.cells), mapping)
        yield from builder.build(row.line, fields, extra)


def _read_jsonl(path: Path, max_bytes: int, mapping: Mapping, builder: VariantBuilder
                ) -> Iterator[FeedVariant | FeedProblem]:
    rows = 0
    for line, text in enumerate(text_lines(path, max_bytes), start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as e:
            record, reason = None, f"line is not valid JSON ({e.msg} at column {e.colno})"
        else:
            reason = "line is not a JSON object {...}"
        if not isinstance(record, dict):
            if not rows:
                raise FeedError(f"{path.name} line {line}: {reason}; a JSON Lines file has one JSON "
                                "object per line (is it a CSV? then name it .csv or set format = \"csv\")")
            yield FeedProblem(line=line, id=None, field=None, reason=reason)
            continue
        rows += 1
        fields, extra = _split(record, mapping)
        yield from builder.build(line, fields, extra)
    if not rows:
        raise FeedError(f"{path.name} has no data rows")
