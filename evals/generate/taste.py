"""Scenarios for a stylist with taste (issue 14): requests on summer and winter dates, with rain in
the app's context, from shoppers who already own pieces (bought online or in a store), and the
issue's own examples. Every look is judged by the taste scorer (black tie, statement pieces,
leathers, season, owned pieces, cheaper alternatives, Italian); the expectations here are the goal
and department only. Written from the kinds of request, before any taste rule.

    python -m evals.generate.taste    # rewrites evals/cases/taste.json
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.generate.frozen import split_of, write_cases

OUT = Path(__file__).resolve().parent.parent / "cases" / "taste.json"
SUMMER, WINTER, SPRING = "2026-07-15T11:00:00+00:00", "2026-12-12T11:00:00+00:00", "2026-04-20T11:00:00+00:00"

# (id, language, department, message, goal, date, weather)
# fmt: off
DATED = (
    ("wk-summer-m-it", "it", "menswear", "Un look per il weekend, taglia L, scarpe 43", "casual_weekend", SUMMER, None),
    ("wk-winter-m-it", "it", "menswear", "Un look per il weekend, taglia L, scarpe 43", "casual_weekend", WINTER, None),
    ("wk-summer-w-en", "en", "womenswear", "something casual for Saturday, size M, shoes 38", "casual_weekend", SUMMER, None),
    ("wk-winter-w-en", "en", "womenswear", "something casual for Saturday, size M, shoes 38", "casual_weekend", WINTER, None),
    ("off-summer-m-en", "en", "menswear", "office clothes for every day, 50, shoes 42", "office_everyday", SUMMER, None),
    ("off-winter-w-it", "it", "womenswear", "vestiti per l'ufficio, taglia 42, scarpe 38", "office_everyday", WINTER, None),
    ("date-summer-w-it", "it", "womenswear", "appuntamento sabato sera, taglia 40, scarpe 37", "date_night", SUMMER, None),
    ("date-winter-m-en", "en", "menswear", "date night on Friday, I'm a 48, shoes 43", "date_night", WINTER, None),
    ("int-summer-m-it", "it", "menswear", "colloquio di lavoro, porto la 50 e il 43", "job_interview", SUMMER, None),
    ("int-winter-w-en", "en", "womenswear", "job interview next week, size 42, shoes 38", "job_interview", WINTER, None),
    ("wed-summer-w-it", "it", "womenswear", "matrimonio a giugno, sono invitata, taglia 42, scarpe 38", "wedding_guest", SUMMER, None),
    ("wed-summer-m-en", "en", "menswear", "wedding in July, I'm a guest, size 52, shoes 44", "wedding_guest", SUMMER, None),
    ("wed-winter-m-it", "it", "menswear", "matrimonio a dicembre, porto la 50, scarpe 42", "wedding_guest", WINTER, None),
    ("trv-spring-w-en", "en", "womenswear", "business trip to Paris, size 40, shoes 37", "business_travel", SPRING, None),
    ("off-rain-m-it", "it", "menswear", "vestiti per andare in ufficio, taglia 52, scarpe 44", "office_everyday", SPRING, "rain"),
    ("wk-rain-w-en", "en", "womenswear", "weekend clothes, size S, shoes 37", "casual_weekend", SPRING, "rain"),
    ("date-rain-w-it", "it", "womenswear", "cena fuori venerdì, taglia 44, scarpe 39", "date_night", SPRING, "rain"),
    ("trv-rain-m-en", "en", "menswear", "three days of client meetings in London, 50, shoes 43", "business_travel", SPRING, "rain"),
    ("eve-winter-w-it", "it", "womenswear", "serata di gala a teatro, taglia 42, scarpe 38", "formal_evening", WINTER, None),
    ("eve-summer-m-en", "en", "menswear", "black tie dinner in August, 50, shoes 43", "formal_evening", SUMMER, None),
)
# Shoppers who already own a piece of the look they ask for (consent given): (id, lang, dept,
# message, goal, bought: (category, size, channel))
OWNED = (
    ("own-blazer-m-it", "it", "menswear", "Ho un colloquio giovedì, taglia 50, scarpe 43", "job_interview",
     ("blazer", "50", "store")),
    ("own-shoes-m-en", "en", "menswear", "interview outfit please, 52, shoes 44", "job_interview",
     ("formal_shoes", "44", "online")),
    ("own-dress-w-it", "it", "womenswear", "matrimonio di mia cugina, taglia 42, scarpe 38", "wedding_guest",
     ("dress", "42", "store")),
    ("own-trousers-w-en", "en", "womenswear", "office clothes, size 40, shoes 37", "office_everyday",
     ("trousers", "40", "store")),
    ("own-boots-m-it", "it", "menswear", "mi serve qualcosa per la pioggia, taglia L, scarpe 43", "rainy_days",
     ("boots", "43", "online")),
    ("own-suit-m-en", "en", "menswear", "wedding guest look, size 50, shoes 42", "wedding_guest",
     ("suit", "50", "store")),
)
# fmt: on



def _case(case_id: str, language: str, department: str, message: str, goal: str, now: str,
          weather: str | None, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    turn: dict[str, Any] = {"message": message, "now": now,
                            "expect": {"goal": goal, "department": department}}
    if weather:
        turn["context"] = {"weather": weather}
    shopper: dict[str, Any] = {"kind": "loyal" if history else "new", "consent": bool(history),
                               "language": language, "tier": "none", "department": department}
    if history:
        shopper["history"] = history
    tags = ["taste", goal] + (["weather"] if weather else []) + (["owned"] if history else [])
    return {"id": case_id, "split": split_of(case_id), "language": language, "tags": tags, "shopper": shopper,
            "events": [], "turns": [turn]}


def scenarios() -> list[dict[str, Any]]:
    cases = [_case(f"ts-{key}", lang, dept, msg, goal, now, weather)
             for key, lang, dept, msg, goal, now, weather in DATED]
    for key, lang, dept, msg, goal, (category, size, channel) in OWNED:
        history = [{"pick": {"category": category, "department": dept, "formality_min": 3}, "size": size,
                    "days_ago": 0.01, "channel": channel, **({"store_code": "MI01"} if channel == "store" else {})}]
        cases.append(_case(f"ts-{key}", lang, dept, msg, goal, "2026-11-01T12:00:00+00:00", None, history))
    # the issue's own examples: dev
    examples = [
        _case("ts-issue-interview-it", "it", "menswear", "Ho un colloquio di lavoro, taglia 50, scarpe 43",
              "job_interview", "2026-11-01T12:00:00+00:00", None),
        _case("ts-issue-interview-en", "en", "menswear", "I have a job interview, size 50, shoes 43",
              "job_interview", "2026-11-01T12:00:00+00:00", None),
        _case("ts-issue-bank-w", "it", "womenswear", "colloquio in banca, taglia 42, scarpe 38",
              "job_interview", "2026-11-01T12:00:00+00:00", None),
        _case("ts-issue-june-wedding-w", "en", "womenswear", "a wedding in June, size 42, shoes 38",
              "wedding_guest", "2026-06-01T12:00:00+00:00", None),
        _case("ts-issue-july-weekend", "it", "menswear", "look per il weekend, taglia M, scarpe 43",
              "casual_weekend", "2026-07-15T12:00:00+00:00", None),
        _case("ts-issue-december-weekend", "it", "menswear", "look per il weekend, taglia M, scarpe 43",
              "casual_weekend", "2026-12-15T12:00:00+00:00", None),
        _case("ts-issue-rain", "en", "menswear", "clothes for the office, size 50, shoes 43",
              "office_everyday", "2026-11-01T12:00:00+00:00", "rain"),
        _case("ts-issue-wedding-donna", "it", "womenswear", "invitata a un matrimonio, taglia 44, scarpe 39",
              "wedding_guest", "2026-11-01T12:00:00+00:00", None),
    ]
    for case in examples:
        case["split"] = "dev"
        case["tags"].append("issue_example")
    return cases + examples


def main() -> None:
    write_cases(OUT, scenarios(), "taste scenarios")


if __name__ == "__main__":
    main()
