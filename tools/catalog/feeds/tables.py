"""Delimited text (TSV and CSV) read row by row with the physical line each row starts on, the
header mapped to canonical column names, and the whole-file mistakes caught before any row: a
TSV that is really a CSV (or the other way round), missing or repeated columns, no data rows."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.catalog.feeds.rows import FeedError
from tools.catalog.feeds.source import text_lines

KIND = {"\t": "tab-separated (TSV)", ",": "comma-separated (CSV)", ";": "semicolon-separated (CSV)",
        "|": "pipe-separated"}
csv.field_size_limit(10_000_000)  # one cell may hold a long description; the file limit bounds it


@dataclass(frozen=True)
class TableRow:
    line: int  # the physical line the row starts on; the header is line 1
    cells: dict[str, str]  # canonical column name → cell, for the columns the header named
    overflow: int  # cells beyond the header's width (a sign of a wrong delimiter or a stray tab)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter a header line uses: the most frequent of tab, comma, semicolon and pipe."""
    counts = {d: header_line.count(d) for d in KIND}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else "\t"


def _choose_delimiter(name: str, header_line: str, allowed: str, what: str) -> str:
    present = [d for d in allowed if d in header_line]
    if present:
        return max(present, key=header_line.count)
    found = sniff_delimiter(header_line)
    if found in header_line:
        raise FeedError(f"{name} looks {KIND[found]}, but {what} is {KIND[allowed[0]]}: "
                        f"save it as {KIND[allowed[0]]} text and upload it again")
    return allowed[0]  # a single column: the missing columns will be named


def read_table(path: Path, *, max_bytes: int, delimiters: str, what: str,
               canonical: Callable[[str], str], required: Sequence[str] = (),
               labels: Mapping[str, str] | None = None) -> Iterator[TableRow]:
    """The rows of a delimited file. `delimiters` are the ones the format allows, the usual first
    (the header tells which one is used); `canonical` names each header cell; `what` names the
    format in messages ("a Merchant product feed"), `labels` how its columns are written there.
    Raises FeedError for a whole-file mistake."""
    lines = text_lines(path, max_bytes)
    first, offset = next(lines, None), 1
    while first is not None and not first.strip():
        first, offset = next(lines, None), offset + 1
    if first is None:
        raise FeedError(f"{path.name} is empty: {what} needs a header row and at least one data row")
    delimiter = _choose_delimiter(path.name, first, delimiters, what)
    header = next(csv.reader([first], delimiter=delimiter))
    columns = [canonical(h.strip().removeprefix("\ufeff")) for h in header]
    seen: dict[str, str] = {}
    for raw, column in zip(header, columns, strict=True):
        if column and column in seen:
            raise FeedError(f"{path.name}: columns '{seen[column]}' and '{raw.strip()}' are the same "
                            f"column ({column}); keep one")
        seen[column] = raw.strip()
    missing = [(labels or {}).get(r, r) for r in required if r not in seen]
    if missing:
        raise FeedError(f"{path.name} misses the required column{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(missing)} for {what} (its header has: "
                        f"{', '.join(h.strip() for h in header if h.strip())[:300]})")
    reader = csv.reader(lines, delimiter=delimiter)
    consumed = 0  # lines csv had read before this row (it counts only those after the header)
    data_rows = 0
    try:
        for cells in reader:
            line, consumed = offset + consumed + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            data_rows += 1
            yield TableRow(line=line, cells={c: v for c, v in zip(columns, cells, strict=False) if c},
                           overflow=max(0, len(cells) - len(columns)))
    except csv.Error as e:
        raise FeedError(f"{path.name} line {offset + consumed + 1}: cannot read the row ({e})") from None
    if not data_rows:
        raise FeedError(f"{path.name} has a header but no data rows")

