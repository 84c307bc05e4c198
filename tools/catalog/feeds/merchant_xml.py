"""Google Merchant Center product data as XML: RSS 2.0 `<item>`s or Atom `<entry>`s carrying
`g:` fields (namespace http://base.google.com/ns/1.0). Parsed with defusedxml — a DTD, entity or
external reference is refused, never expanded — and streamed: each item is dropped from the tree
once read, so memory stays flat however long the feed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from tools.catalog.feeds.merchant import MERCHANT_FIELDS, merchant_column
from tools.catalog.feeds.rows import FeedError, FeedProblem, FeedVariant
from tools.catalog.feeds.source import Utf8Stream
from tools.catalog.feeds.variants import VariantBuilder

G = "http://base.google.com/ns/1.0"
ATOM = "http://www.w3.org/2005/Atom"
# RSS/Atom's own elements that name a Merchant field when the g: one is absent.
_PLAIN = {"title": "title", "link": "link", "description": "description", "summary": "description",
          "content": "description"}


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _text(elem: Element) -> str:
    if len(elem):  # a group such as <g:shipping><g:country>IT</g:country>…: keep it readable
        return "; ".join(f"{_split(c.tag)[1]}={(c.text or '').strip()}" for c in elem)
    return "".join(elem.itertext())


def _item_fields(item: Element) -> tuple[dict[str, list[str]], dict[str, str]]:
    fields: dict[str, list[str]] = {}
    plain: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}
    for child in item:
        ns, local = _split(child.tag)
        if ns == G:
            name = merchant_column(local)
            (fields if name in MERCHANT_FIELDS else extra).setdefault(name, []).append(_text(child))
        elif ns in ("", ATOM) and local in _PLAIN:
            value = child.get("href") if local == "link" and ns == ATOM else _text(child)
            if local == "link" and child.get("rel", "alternate") != "alternate":
                continue
            plain.setdefault(_PLAIN[local], []).append(value or "")
    for name, values in plain.items():
        fields.setdefault(name, values)
    return fields, {k: ", ".join(v) for k, v in extra.items()}


def read_merchant_xml(path: Path, *, max_bytes: int, builder: VariantBuilder
                      ) -> Iterator[FeedVariant | FeedProblem]:
    items = 0
    with Utf8Stream(path, max_bytes) as stream:
        stack: list[Element] = []
        try:
            for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    stack.append(elem)
                    continue
                stack.pop()
                ns, local = _split(elem.tag)
                if local not in ("item", "entry") or ns == G:
                    continue
                items += 1
                fields, extra = _item_fields(elem)
                yield from builder.build(items, dict(fields), extra)
                elem.clear()
                if stack:
                    stack[-1].remove(elem)
        except ParseError as e:
            line, column = e.position
            raise FeedError(f"{path.name} is not well-formed XML: line {line}, column {column + 1}: "
                            f"{str(e).split(':')[0]}") from None
        except DefusedXmlException as e:
            raise FeedError(f"{path.name} declares a DTD or entities ({type(e).__name__}); Sarto refuses "
                            "them for safety (no entity expansion, no external files): remove the "
                            "<!DOCTYPE …> and write the values out") from None
    if not items:
        raise FeedError(f"{path.name} has no <item> (RSS) or <entry> (Atom) elements: it is not a "
                        "Merchant product feed, or it is empty")
