"""What a turn runs with: LangGraph's run context (`context_schema`), read by every node from
`runtime.context`. One is made per turn, so nothing about a turn lives in the graph or the process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.events import RunEvent
from agent.planning.llm import LLMPlanner
from agent.settings import Settings
from tools.clock import Clock, shop_now
from tools.db.shop import Shop
from tools.moment.climate import ClimateNormals
from tools.moment.weather import WeatherProvider

EventSink = Callable[[RunEvent], None]


@dataclass(frozen=True)
class StylistContext:
    shop: Shop
    settings: Settings
    thread_id: str
    emit: EventSink  # where the nodes' events go, the moment they are written
    llm_planner: LLMPlanner | None = None  # set when SARTO_LLM_MODEL is configured
    clock: Clock = shop_now  # the shop's own time (reservations), never the turn's replayable "now"
    weather: WeatherProvider = field(default_factory=ClimateNormals)  # opened once per process
