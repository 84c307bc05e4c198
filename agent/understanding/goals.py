"""Goal inference: what the shopper is dressing for, from browsing, the message and the thread.

Each event votes for goals of tools.taxonomy.GOALS with a weight by type and an exponential
recency decay; an explicit message beats browsing, a follow-up keeps the conversation's goal, and
thin or split evidence gives "unknown" so the agent asks one question instead of guessing. The
word rules read the message first; its meaning (agent.understanding.goal_meaning) speaks when they
name nothing, only a vague word, or an everyday setting the weather overrides.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from agent.understanding.goal_meaning import (
    FOLLOW_UP,
    OPENING,
    MeaningVote,
    SentenceEncoder,
    meaning_vote,
    respell,
)
from agent.understanding.text import TextCues, category_goal_shares, read_text
from agent.understanding.words import GOAL_PHRASE_MAX_WORDS, GOAL_PHRASES
from tools.lexicon import normalise
from tools.shapes import Evidence, Goal, ProductFacts
from tools.taxonomy import GOALS, UNKNOWN_GOAL


@dataclass(frozen=True)
class TimedEvent:
    type: str  # search, product_view, content_view, add_to_cart, purchase
    at: datetime
    sku: str | None = None
    text: str | None = None


ProductFactsLookup = Callable[[Sequence[str]], dict[str, ProductFacts]]


def product_facts_of(product: Any) -> ProductFacts:
    """ProductFacts from anything with the catalog's attributes (a models.Product row, a ProductHit)."""
    formality = None if product.formality is None else int(product.formality)
    return ProductFacts(sku=product.sku, department=product.department, category=product.category,
                        occasions=tuple(product.occasions or ()), formality=formality,
                        seasons=tuple(product.seasons or ()))


def timed_events(raw: Iterable[Any], now: datetime) -> list[TimedEvent]:
    """TimedEvents from stored events or BrowsingEvents (`at`, else `days_ago` before now, else now)."""
    out = []
    for event in raw:
        at = getattr(event, "at", None)
        if at is None:
            days_ago = getattr(event, "days_ago", None)
            at = now - timedelta(days=days_ago) if days_ago is not None else now
        out.append(TimedEvent(type=event.type, at=at, sku=getattr(event, "sku", None),
                              text=getattr(event, "text", None)))
    return out

HALF_LIFE_DAYS = 5.0  # a session from last week still counts half as much as today's
MAX_AGE_DAYS = 90.0  # beyond this an interest is stale (0.5 ** 18: it would weigh ~nothing anyway)
# Putting something in the cart says more than looking at it; a purchase says the need may be met.
TYPE_WEIGHTS: Mapping[str, float] = {
    "add_to_cart": 1.0, "purchase": 0.8, "product_view": 0.6, "search": 1.0, "content_view": 1.0,
}
MESSAGE_WEIGHT = 3.0  # what the shopper types now outweighs a whole browsing session
REJECTED_FACTOR = 0.05  # "forget the running stuff": that browsing barely counts any more
# When the evidence is this thin or this split, the agent asks instead of guessing.
MIN_MASS = 0.5  # decayed weight behind the leading goal
MIN_SHARE = 0.3  # the leading goal's share of all goal evidence
MAX_RUNNER_UP_RATIO = 0.65  # the second goal may not be this close to the first
UNKNOWN_MAX_CONFIDENCE = 0.35
CLEAR_DEPARTMENT_SHARE = 0.6  # browsing overrides the profile's department only with this share
# A message whose goal words are all hints ("lavoro", "meeting", "vacanza", "dicembre", "tutti i
# giorni"), or split between goals, is vague: the sentence's meaning may say what is meant.
VAGUE_SHARE = 0.55
WEATHER_GOALS = frozenset({"rainy_days", "winter_cold"})
# Where one goes every day sets the formality; the weather decides what the shopper actually lacks.
EVERYDAY_GOALS = frozenset({"office_everyday", "casual_weekend"})
MEANING_CONFIDENCE = 0.65  # a goal read from the sentence's meaning, before its margin and backing
EVIDENCE_SHOWN = 5

# Product occasions (tools.taxonomy.OCCASIONS) -> goals they serve.
OCCASION_GOALS: Mapping[str, Mapping[str, float]] = {
    "business": {"job_interview": 0.5, "business_travel": 0.3, "office_everyday": 0.2},
    "office": {"office_everyday": 0.6, "job_interview": 0.25, "business_travel": 0.15},
    "ceremony": {"wedding_guest": 0.75, "formal_evening": 0.25},
    "evening": {"formal_evening": 0.6, "date_night": 0.4},
    "date": {"date_night": 1.0},
    "casual": {"casual_weekend": 0.7, "rainy_days": 0.15, "winter_cold": 0.15},
    "travel": {"business_travel": 0.7, "casual_weekend": 0.15, "beach_holiday": 0.15},
    "sport": {"sport_training": 0.85, "outdoor_hiking": 0.15},
    "outdoor": {"outdoor_hiking": 0.8, "rainy_days": 0.1, "sport_training": 0.1},
    "beach": {"beach_holiday": 1.0},
}
WEATHER_PRIORS: Mapping[str, tuple[str, float]] = {
    "rain": ("rainy_days", 0.3), "rainy": ("rainy_days", 0.3), "pioggia": ("rainy_days", 0.3),
    "snow": ("winter_cold", 0.3), "cold": ("winter_cold", 0.3), "freddo": ("winter_cold", 0.3),
    "neve": ("winter_cold", 0.3), "hot": ("beach_holiday", 0.15), "sunny": ("beach_holiday", 0.1),
}


def recency_weight(at: datetime, now: datetime) -> float:
    """0.5 ** (age / half-life); future timestamps count as now; older than MAX_AGE_DAYS -> 0."""
    if (at.tzinfo is None) != (now.tzinfo is None):
        at, now = at.replace(tzinfo=at.tzinfo or UTC), now.replace(tzinfo=now.tzinfo or UTC)
    age_days = max(0.0, (now - at).total_seconds() / 86400.0)
    if age_days > MAX_AGE_DAYS:
        return 0.0
    return 0.5 ** (age_days / HALF_LIFE_DAYS)


@lru_cache(maxsize=16384)
def product_goal_shares(facts: ProductFacts) -> tuple[tuple[str, float], ...]:
    """A product's vote: its occasions and category, kept where its formality and season fit.
    What the product's record does not say (unknown category, formality) gives no evidence."""
    scores: dict[str, float] = {}
    occasions = [o for o in facts.occasions if o in OCCASION_GOALS]
    for occasion in occasions:
        for key, share in OCCASION_GOALS[occasion].items():
            scores[key] = scores.get(key, 0.0) + 0.6 * share / len(occasions)
    for key, share in category_goal_shares().get(facts.category or "", {}).items():
        scores[key] = scores.get(key, 0.0) + 0.4 * share
    for key in list(scores):
        spec = GOALS[key]
        low, high = spec.formality
        # an unknown formality is not known to be in the goal's band: it counts as one step out
        distance = 1 if facts.formality is None else max(low - facts.formality, facts.formality - high, 0)
        fit = (1.0, 0.5)[distance] if distance < 2 else 0.15
        if spec.seasons and facts.seasons:
            if not set(spec.seasons) & set(facts.seasons):
                fit *= 0.3
            elif len(facts.seasons) <= 2:
                fit *= 3.0  # a winter-only puffer says "cold" more than "weekend"
        scores[key] *= fit
    total = sum(scores.values())
    if total <= 0:
        return ()
    return tuple(sorted(((k, v / total) for k, v in scores.items()), key=lambda kv: -kv[1]))


@dataclass
class _Vote:
    event: TimedEvent
    shares: tuple[tuple[str, float], ...]
    weight: float  # type weight x recency


def _votes(events: Sequence[TimedEvent], now: datetime,
           product_facts: ProductFactsLookup) -> tuple[list[_Vote], dict[str, float]]:
    """Every event's vote, and the recency-weighted department tally of what was browsed."""
    live = [(e, recency_weight(e.at, now) * TYPE_WEIGHTS.get(e.type, 0.5)) for e in events]
    live = [(e, w) for e, w in live if w > 1e-4]
    skus = sorted({e.sku for e, _ in live if e.sku})
    facts = product_facts(skus) if skus else {}
    votes: list[_Vote] = []
    departments: dict[str, float] = {}
    for event, weight in live:
        shares: tuple[tuple[str, float], ...] = ()
        product = facts.get(event.sku) if event.sku else None
        if product is not None:
            shares = product_goal_shares(product)
            if product.department is not None:
                departments[product.department] = departments.get(product.department, 0.0) + weight
        elif event.text:
            cues = read_text(event.text)
            shares = cues.goals
            for dept in cues.departments[:1]:
                departments[dept] = departments.get(dept, 0.0) + 0.5 * weight
        if shares:
            votes.append(_Vote(event, shares, weight))
    return votes, departments


def _tally(votes: Sequence[_Vote], rejected: frozenset[str]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for vote in votes:
        for key, share in vote.shares:
            factor = REJECTED_FACTOR if key in rejected else 1.0
            totals[key] = totals.get(key, 0.0) + vote.weight * share * factor
    return totals


def _supporting(votes: Sequence[_Vote], label: str, rejected: frozenset[str]) -> list[Evidence]:
    """The events behind the chosen goal, heaviest first, so the UI can say why."""
    factor = REJECTED_FACTOR if label in rejected else 1.0
    scored: list[tuple[float, TimedEvent]] = []
    for vote in votes:
        share = dict(vote.shares).get(label, 0.0)
        weight = vote.weight * share * factor
        if weight >= 0.005:
            scored.append((weight, vote.event))
    scored.sort(key=lambda pair: -pair[0])
    # Evidence records are built for the few shown only: pydantic validation is the costly part.
    return [Evidence(type=e.type, text=e.text, sku=e.sku, at=e.at, weight=round(w, 3))
            for w, e in scored[:EVIDENCE_SHOWN]]


def _department(message_departments: Sequence[str], previous: Goal | None,
                browsed: Mapping[str, float], profile_department: str | None) -> str | None:
    if message_departments:
        return message_departments[0]
    if previous is not None and previous.department:
        return previous.department
    if browsed:
        leader, mass = max(browsed.items(), key=lambda kv: kv[1])
        # Browsing scattered over departments (a hat here, a kids' swimsuit there) says less than
        # the department the shopper shops in; a clear majority still wins.
        if profile_department and leader != profile_department and \
                mass < CLEAR_DEPARTMENT_SHARE * sum(browsed.values()):
            return profile_department
        return leader
    return profile_department


def _weather_priors(context: Mapping[str, Any] | None) -> dict[str, float]:
    priors: dict[str, float] = {}
    weather = str((context or {}).get("weather") or "").lower()
    for word, (key, weight) in WEATHER_PRIORS.items():
        if word in weather.split():
            priors[key] = max(priors.get(key, 0.0), weight)
    return priors


def _read(message: str) -> tuple[str, TextCues]:
    """The rules' reading; misspelt occasion words ("weding") get a second one when the first names
    nothing. The text returned is the one the meaning is taken from."""
    cues = read_text(message)
    if not cues.names_goal:
        respelt = respell(message)
        if respelt != message:
            second = read_text(respelt)
            if second.names_goal:
                return respelt, second
            return respelt, cues
    return message, cues


def _vague(text: str, cues: TextCues) -> bool:
    """Whether the goal words the rules found are only hints: the cues' shares are normalised, so
    "a Sharm a dicembre" (winter, 0.5) would look as sure as "matrimonio"; the table says otherwise."""
    if not cues.names_goal:
        return True
    if cues.goals[0][1] < VAGUE_SHARE:
        return True
    words = normalise(text).split()
    for i in range(len(words)):
        for n in range(1, min(GOAL_PHRASE_MAX_WORDS, len(words) - i) + 1):
            goals = GOAL_PHRASES.get(" ".join(words[i:i + n]))
            if goals and max(goals.values()) >= 1.0:
                return False
    return True


def _meaning(text: str, cues: TextCues, vague: bool, following_up: bool,
             encoder: SentenceEncoder | None) -> MeaningVote | None:
    """The sentence's meaning, asked only where the rules leave room: one encode per turn at most."""
    if encoder is None:
        return None
    if not vague and cues.goals[0][0] not in EVERYDAY_GOALS:
        return None  # the rules read an occasion outright: they stay first
    # A turn in a thread with no goal word at all is most likely a remark on the look just shown.
    vote = meaning_vote(text, encoder, FOLLOW_UP if following_up and not cues.names_goal else OPENING)
    return None if vote is None or vote.goal in cues.rejected else vote


def _weather_first(label: str, said: Mapping[str, float]) -> str:
    """"It pours and I walk to the office": an everyday setting named beside the weather gives way."""
    if label in EVERYDAY_GOALS:
        for key in WEATHER_GOALS:
            if said.get(key, 0.0) >= max(said.get(label, 0.0), 1e-9):
                return key
    return label


def _message_goal(cues: TextCues, vague: bool, vote: MeaningVote | None,
                  totals: Mapping[str, float]) -> tuple[str, float, float] | None:
    """The goal the message names or means, its weight in the message and the confidence; None when
    it says no goal (a follow-up, a greeting, a size). A named occasion wins over browsing, which
    only breaks ties between the goals an ambiguous word covers ("lavoro": office, interview or a
    work trip); the meaning decides where the words are vague or the weather overrides the setting."""
    said = dict(cues.goals) if cues.names_goal else {}
    mass = sum(totals.values()) or 1.0
    label = ""
    if said:
        label = max((k for k in said if said[k] > 0.1),
                    key=lambda k: MESSAGE_WEIGHT * said[k] + totals.get(k, 0.0))
        label = _weather_first(label, said)
    overruled = vague or (
        label in EVERYDAY_GOALS and vote is not None and vote.goal in WEATHER_GOALS)
    if vote is not None and overruled and _weather_first(vote.goal, said) == vote.goal:
        backing = totals.get(vote.goal, 0.0) / mass
        return vote.goal, vote.similarity, min(0.9, MEANING_CONFIDENCE + vote.margin + 0.1 * backing)
    if not said:
        return None
    return label, said[label], min(1.0, 0.8 + 0.1 * said[label] + 0.1 * totals.get(label, 0.0) / mass)


def infer_goal(events: Sequence[TimedEvent], message: str, now: datetime,
               product_facts: ProductFactsLookup, previous: Goal | None = None,
               profile_department: str | None = None,
               context: Mapping[str, Any] | None = None,
               encoder: SentenceEncoder | None = None) -> Goal:
    """The shopper's goal with confidence, supporting evidence and department (see module doc).
    `encoder` (the catalog's embedder) lets the message's meaning speak; without it only words do."""
    text, cues = _read(message or "")
    # "forget the gym stuff, ..." is no remark on the look: the thread's goal was just dropped
    following_up = previous is not None and previous.label not in (UNKNOWN_GOAL, *cues.rejected)
    vague = _vague(text, cues)
    vote = _meaning(text, cues, vague, following_up, encoder)
    votes, browsed = _votes(events, now, product_facts)
    department = _department(cues.departments, previous, browsed, profile_department)
    rejected = cues.rejected
    totals = _tally(votes, rejected)
    for key, weight in _weather_priors(context).items():
        totals[key] = totals.get(key, 0.0) + weight

    named = _message_goal(cues, vague, vote, totals)
    if named is not None:
        label, weight, confidence = named
        message_evidence = Evidence(type="message", text=message, at=now,
                                    weight=round(MESSAGE_WEIGHT * weight, 3))
        evidence = [message_evidence, *_supporting(votes, label, rejected)][:EVIDENCE_SHOWN]
        return Goal(label=label, confidence=round(confidence, 3), evidence=evidence,
                    department=department, source="message")

    if following_up and previous is not None:
        # A follow-up ("in nero", "taglia 52", "something cheaper") keeps the thread's goal.
        return previous.model_copy(update={"source": "conversation", "department": department})

    message_shares = dict(cues.goals)  # only category hints here ("cerco un costume")
    for key, share in message_shares.items():
        totals[key] = totals.get(key, 0.0) + MESSAGE_WEIGHT * share
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    if not ranked:
        return Goal(label=UNKNOWN_GOAL, confidence=0.0, department=department, source="events")
    label, mass = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    share = mass / sum(totals.values())
    confidence = 0.5 * share + 0.5 * (1.0 - math.exp(-mass / 1.2))
    confidence *= 1.0 - 0.5 * (runner_up / mass)
    if mass < MIN_MASS or share < MIN_SHARE or runner_up > MAX_RUNNER_UP_RATIO * mass:
        return Goal(label=UNKNOWN_GOAL, confidence=round(min(confidence, UNKNOWN_MAX_CONFIDENCE), 3),
                    department=department, source="events",
                    candidates=[k for k, v in ranked[:3] if v >= 0.25 * mass])
    from_message = MESSAGE_WEIGHT * message_shares.get(label, 0.0)
    evidence = _supporting(votes, label, rejected)
    if from_message > 0:
        evidence = sorted([Evidence(type="message", text=message, at=now, weight=round(from_message, 3)),
                           *evidence], key=lambda ev: -ev.weight)[:EVIDENCE_SHOWN]
    return Goal(label=label, confidence=round(min(confidence, 0.95), 3), evidence=evidence,
                department=department, source="message" if from_message > mass / 2 else "events")
