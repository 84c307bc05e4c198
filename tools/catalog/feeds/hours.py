"""Opening hours as retailers write them — `mon-fri 10:00-19:30; sat 10:00-20:00; sun closed`,
schema.org's `Mo-Fr 10:00-19:30`, a JSON object, or Google Business Profile's one column per day
(`9:00AM-1:00PM,3:30PM-7:30PM`) — read into {"mon": ["10:00", "19:30"], ..., "sun": None}. A day
with a break lists its pairs in order: ["09:00", "13:00", "15:30", "19:30"]."""

from __future__ import annotations

import json
import re

from tools.catalog.feeds.values import BadValue

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAMES = {name: day for day, names in zip(DAYS, (
    ("mon", "mo", "monday", "lun", "lunedi", "lunedì"), ("tue", "tu", "tuesday", "mar", "martedi", "martedì"),
    ("wed", "we", "wednesday", "mer", "mercoledi", "mercoledì"), ("thu", "th", "thursday", "gio", "giovedi",
                                                                  "giovedì"),
    ("fri", "fr", "friday", "ven", "venerdi", "venerdì"), ("sat", "sa", "saturday", "sab", "sabato"),
    ("sun", "su", "sunday", "dom", "domenica")), strict=True) for name in names}
_CLOSED = {"closed", "chiuso", "x", "-", "—", "no"}
_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
_RANGE = re.compile(rf"({_TIME})\s*[-–—]\s*({_TIME})", re.IGNORECASE)
_SPEC = re.compile(r"^([a-zì]+)(?:\s*[-–]\s*([a-zì]+))?\s*[:=]?\s*(.*)$", re.IGNORECASE)

Hours = dict[str, list[str] | None]


def _time(raw: str) -> str:
    text = raw.strip().lower().replace(".", ":").replace(" ", "")
    meridiem = text[-2:] if text.endswith(("am", "pm")) else None
    text = text.removesuffix("am").removesuffix("pm").rstrip(":")
    hour, _, minute = text.partition(":")
    h, m = int(hour), int(minute or 0)
    if meridiem == "pm" and h < 12:
        h += 12
    elif meridiem == "am" and h == 12:
        h = 0
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise BadValue(f"'{raw}' is not a time of day")
    return f"{h:02d}:{m:02d}"


def day_hours(raw: str) -> list[str] | None:
    """One day's hours: `10:00-19:30`, `9:00AM-1:00PM,3:30PM-7:30PM`, `closed`; None when closed."""
    text = raw.strip()
    if text.lower() in _CLOSED or not text:
        return None
    if text.lower() in ("24h", "24/7", "open 24 hours", "00:00-24:00"):
        return ["00:00", "24:00"]
    spans = _RANGE.findall(text)
    leftover = _RANGE.sub("", text).strip(" ,;/e&")
    if not spans or leftover:
        raise BadValue(f"hours '{raw}' are not like 10:00-19:30 (or 'closed')")
    return [t for span in spans for t in (_time(span[0]), _time(span[1]))]


def _days(first: str, last: str | None) -> list[str]:
    start, end = _NAMES.get(first.lower()), _NAMES.get((last or first).lower())
    if start is None or end is None:
        raise BadValue(f"'{first if start is None else last}' is not a day of the week")
    i, j = DAYS.index(start), DAYS.index(end)
    return list(DAYS[i:j + 1]) if i <= j else list(DAYS[i:] + DAYS[:j + 1])


def parse_hours(raw: str) -> Hours:
    """A week's hours; days the text does not name are closed."""
    text = raw.strip()
    if text.startswith("{"):
        return _json_hours(text)
    week: Hours = dict.fromkeys(DAYS)
    for spec in re.split(r"\s*[;,|\n]\s*(?=[^\d\s])", text):
        match = _SPEC.match(spec.strip())
        if match is None:
            raise BadValue(f"hours '{raw}' are not like 'mon-fri 10:00-19:30; sat 10:00-20:00; sun closed'")
        for day in _days(match.group(1), match.group(2)):
            week[day] = day_hours(match.group(3))
    return week


def _json_hours(text: str) -> Hours:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise BadValue("hours look like JSON but are not valid JSON") from None
    if not isinstance(data, dict):
        raise BadValue("hours in JSON must be an object like {\"mon\": [\"10:00\", \"19:30\"]}")
    week: Hours = dict.fromkeys(DAYS)
    for key, span in data.items():
        for day in _days(str(key), None):
            if span is None or span == []:
                week[day] = None
            elif isinstance(span, list) and len(span) % 2 == 0 and all(isinstance(t, str) for t in span):
                week[day] = [_time(t) for t in span]
            else:
                raise BadValue(f"hours for {key} must be [\"10:00\", \"19:30\"] or null")
    return week
