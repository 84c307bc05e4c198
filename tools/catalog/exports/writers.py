"""Feed files as Google reads them, written row by row: tab-separated text with a header row, or
RSS 2.0 with the `g:` namespace. A file is written beside its target and moved into place only when
complete, so a failed export never leaves half a feed where the last good one was."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, TextIO, cast
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

Format = Literal["tsv", "xml"]
FORMATS: tuple[Format, ...] = ("tsv", "xml")
GOOGLE_NS = "http://base.google.com/ns/1.0"
FEED_MODE = 0o644

# XML 1.0 cannot carry most control characters; feeds from retailers sometimes do.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAKS = re.compile(r"[\t\r\n]+")
_NO_ATTRIBUTES = AttributesImpl({})


class ExportError(Exception):
    """The export cannot be written: a message for a person, no traceback."""


Progress = Callable[[int, int], None]  # (rows written, rows in all)


@dataclass(frozen=True)
class ExportSummary:
    rows: int
    format: Format


class FeedWriter(Protocol):
    def row(self, values: Mapping[str, str | None]) -> None: ...


class _TsvWriter:
    def __init__(self, out: TextIO, columns: Sequence[str]) -> None:
        self.columns = columns
        self.writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        self.writer.writerow(columns)

    def row(self, values: Mapping[str, str | None]) -> None:
        # One row per line: tabs and line breaks inside a value become spaces.
        self.writer.writerow([_BREAKS.sub(" ", values.get(c) or "") for c in self.columns])


class _XmlWriter:
    def __init__(self, out: TextIO, columns: Sequence[str]) -> None:
        self.columns = columns
        # A text stream: the generator writes str to it (the encoding only names the declaration).
        self.xml = XMLGenerator(cast(io.TextIOBase, out), encoding="utf-8", short_empty_elements=True)

    def text_element(self, name: str, text: str) -> None:
        self.xml.startElement(name, _NO_ATTRIBUTES)
        self.xml.characters(_NOT_XML.sub("", text))
        self.xml.endElement(name)

    def row(self, values: Mapping[str, str | None]) -> None:
        self.xml.ignorableWhitespace("\n")
        self.xml.startElement("item", _NO_ATTRIBUTES)
        for column in self.columns:
            value = values.get(column)
            if value:
                self.text_element(f"g:{column}", value)
        self.xml.endElement("item")


def check_target(out: Path | TextIO, fmt: str) -> None:
    """Refuse a format or a path the feed cannot be written to before any work is done."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not isinstance(out, Path):
        return
    folder = out.parent
    if not folder.is_dir():
        raise ExportError(f"cannot write {out}: the folder {folder} does not exist")
    if out.is_dir():
        raise ExportError(f"cannot write {out}: it is a folder, give a file name")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ExportError(f"cannot write {out}: permission denied")


@contextmanager
def _target(out: Path | TextIO) -> Iterator[TextIO]:
    if not isinstance(out, Path):
        yield out
        return
    folder = out.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write in {folder}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
        # mkstemp makes the file private; a feed is for others to fetch: keep the old file's mode.
        os.chmod(temp, out.stat().st_mode & 0o777 if out.exists() else FEED_MODE)
        os.replace(temp, out)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def open_feed(out: Path | TextIO, fmt: Format, columns: Sequence[str], title: str,
              link: str) -> Iterator[FeedWriter]:
    """A writer for one feed; `out` is a file path (replaced when complete) or an open text stream."""
    check_target(out, fmt)
    with _target(out) as stream:
        if fmt == "tsv":
            yield _TsvWriter(stream, columns)
            return
        xml = _XmlWriter(stream, columns)
        xml.xml.startDocument()
        xml.xml.startElement("rss", AttributesImpl({"version": "2.0", "xmlns:g": GOOGLE_NS}))
        xml.xml.startElement("channel", _NO_ATTRIBUTES)
        xml.text_element("title", title)
        xml.text_element("link", link)
        xml.text_element("description", title)
        yield xml
        xml.xml.ignorableWhitespace("\n")
        xml.xml.endElement("channel")
        xml.xml.endElement("rss")
        xml.xml.endDocument()
        stream.write("\n")
