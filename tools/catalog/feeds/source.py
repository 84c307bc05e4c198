"""Opening a feed file: the size limit before anything is read, and UTF-8 (with or without BOM)
checked as the bytes stream past, so a file in another encoding is refused with the line and byte
that gave it away instead of being imported as mojibake."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from tools.catalog.feeds.rows import FeedError

CHUNK = 64 * 1024
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_XML_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n} bytes"


def open_feed(path: Path, max_bytes: int) -> BinaryIO:
    """The file opened for reading, once its size is known to be within `max_bytes`."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - the caller's `with` closes it
    except OSError as e:
        raise FeedError(f"cannot open {path.name}: {e.strerror or e}") from None
    size = os.fstat(handle.fileno()).st_size
    if size > max_bytes:
        handle.close()
        raise FeedError(f"{path.name} is {_size(size)}, over the import limit of {_size(max_bytes)}; "
                        "split the feed or raise the limit")
    head = handle.read(4)
    handle.seek(0)
    if head.startswith(_UTF16_BOMS):
        handle.close()
        raise FeedError(f"{path.name} is not UTF-8: it is UTF-16 (as Excel saves 'Unicode text'); "
                        "save it as UTF-8 and upload it again")
    return handle


def _not_utf8(name: str, raw: bytes, start: int, line: int, offset: int) -> FeedError:
    byte = raw[start]
    window = raw[max(0, start - 20):start + 20]
    try:
        window.decode("cp1252")
        looks = "Windows-1252 (cp1252)" if any(0x80 <= b <= 0x9F for b in window) \
            else "Latin-1 (ISO-8859-1) or Windows-1252"
        char = bytes([byte]).decode("cp1252")
        hint = f"; it looks like {looks}, where that byte is '{char}'"
    except UnicodeDecodeError:
        hint = ""
    return FeedError(f"{name} is not UTF-8: byte 0x{byte:02X} on line {line} (byte {offset} of the file) "
                     f"is not valid UTF-8{hint}. Save the file as UTF-8 and upload it again")


class _Budget:
    """Counts bytes as they are read: a file that grows past the limit while read is refused too."""

    def __init__(self, name: str, max_bytes: int) -> None:
        self.name, self.max_bytes, self.read = name, max_bytes, 0

    def spend(self, n: int) -> None:
        self.read += n
        if self.read > self.max_bytes:
            raise FeedError(f"{self.name} is over the import limit of {_size(self.max_bytes)}")


def text_lines(path: Path, max_bytes: int) -> Iterator[str]:
    """The file's lines, decoded as UTF-8 and keeping their line endings (what `csv` wants).

    Lone surrogates encoded in the bytes pass through, so the row that holds one is reported as a
    row problem; any other invalid byte makes the whole file a FeedError."""
    budget = _Budget(path.name, max_bytes)
    with open_feed(path, max_bytes) as handle:
        offset = 0
        for number, raw in enumerate(handle, start=1):
            budget.spend(len(raw))
            try:
                line = raw.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError as e:
                raise _not_utf8(path.name, raw, e.start, number, offset + e.start) from None
            offset += len(raw)
            yield line.removeprefix("\ufeff") if number == 1 else line


class Utf8Stream:
    """A binary reader for the XML parser that refuses non-UTF-8 bytes (and an XML declaration of
    another encoding) with the line they are on, and stops at the size limit."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.name = path.name
        self._handle = open_feed(path, max_bytes)
        self._budget = _Budget(path.name, max_bytes)
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
        self._offset = 0
        self._lines = 1
        declared = _XML_ENCODING.match(self._handle.read(200))
        self._handle.seek(0)
        if declared and declared.group(1).decode().lower().replace("_", "-") not in (
                "utf-8", "utf8", "us-ascii", "ascii"):
            self.close()
            raise FeedError(f"{self.name} declares encoding=\"{declared.group(1).decode()}\"; Sarto reads "
                            "UTF-8 feeds only: save it as UTF-8 (and declare encoding=\"UTF-8\")")

    def read(self, size: int = CHUNK) -> bytes:
        chunk = self._handle.read(size if size > 0 else CHUNK)
        self._budget.spend(len(chunk))
        pending = self._decoder.getstate()[0]
        try:
            self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as e:
            seen = e.object[:e.start]
            line = self._lines + seen.count(b"\n")
            offset = self._offset - len(pending) + e.start
            raise _not_utf8(self.name, e.object, e.start, line, offset) from None
        self._offset += len(chunk)
        self._lines += chunk.count(b"\n")
        return chunk

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Utf8Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
