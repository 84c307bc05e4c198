"""Map the internal run events (agent/events.py) to AG-UI 1.0 events (ag-ui-protocol models).

Stateful per run: a text message is opened once per message_id and closed before any other event
(the AG-UI client rejects events interleaved with an open text message), steps are closed before
the run ends, and an interrupt turns the final RUN_FINISHED into an interrupt outcome.
"""

from __future__ import annotations

import json
from typing import Any

from ag_ui.core import (
    ActivitySnapshotEvent,
    BaseEvent,
    EventType,
    Interrupt,
    RunErrorEvent,
    RunFinishedEvent,
    RunFinishedInterruptOutcome,
    RunFinishedSuccessOutcome,
    RunStartedEvent,
    StateDeltaEvent,
    StateSnapshotEvent,
    StepFinishedEvent,
    StepStartedEvent,
    TextMessageContentEvent,
    TextMessageEndEvent,
    TextMessageStartEvent,
    ToolCallArgsEvent,
    ToolCallEndEvent,
    ToolCallResultEvent,
    ToolCallStartEvent,
)

from agent.events import (
    CardEvent,
    ErrorEvent,
    InterruptEvent,
    RunEvent,
    StateEvent,
    StepEvent,
    TextEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from tools.shapes import TurnResult, jsonable


def encode(event: BaseEvent) -> str:
    """The wire JSON (camelCase, optional fields without value left out)."""
    return event.model_dump_json(by_alias=True, exclude_none=True)


class AguiMapper:
    def __init__(self, thread_id: str, run_id: str) -> None:
        self.thread_id = thread_id
        self.run_id = run_id
        self._open_text: str | None = None
        self._open_steps: list[str] = []
        self._interrupts: list[InterruptEvent] = []

    def start(self, layout: str | None) -> list[BaseEvent]:
        return [
            RunStartedEvent(thread_id=self.thread_id, run_id=self.run_id),
            StateSnapshotEvent(snapshot={"goal": None, "constraints": None,
                                         "presentation": layout or "image-grid"}),
        ]

    def _close_text(self) -> list[BaseEvent]:
        if self._open_text is None:
            return []
        message_id, self._open_text = self._open_text, None
        return [TextMessageEndEvent(message_id=message_id)]

    def _close_steps(self) -> list[BaseEvent]:
        closed: list[BaseEvent] = [StepFinishedEvent(step_name=name) for name in reversed(self._open_steps)]
        self._open_steps.clear()
        return closed

    def map(self, event: RunEvent) -> list[BaseEvent]:
        if isinstance(event, TextEvent):
            out: list[BaseEvent] = []
            if self._open_text != event.message_id:
                out += self._close_text()
                out.append(TextMessageStartEvent(message_id=event.message_id, role="assistant"))
                self._open_text = event.message_id
            if event.delta:  # AG-UI forbids empty deltas
                out.append(TextMessageContentEvent(message_id=event.message_id, delta=event.delta))
            return out
        out = self._close_text()
        if isinstance(event, StepEvent):
            if event.status == "started":
                self._open_steps.append(event.name)
                out.append(StepStartedEvent(step_name=event.name))
            else:
                if event.name not in self._open_steps:  # a finish without a start: pair it
                    out.append(StepStartedEvent(step_name=event.name))
                else:
                    self._open_steps.remove(event.name)
                out.append(StepFinishedEvent(step_name=event.name,
                                             metadata={"ms": event.ms} if event.ms is not None else None))
        elif isinstance(event, StateEvent):
            # ag_ui.core does not re-export the JSON Patch models; the event validates the dict.
            patch: Any = [{"op": "replace", "path": event.path, "value": jsonable(event.value)}]
            out.append(StateDeltaEvent(delta=patch))
        elif isinstance(event, ToolCallEvent):
            out += [
                ToolCallStartEvent(tool_call_id=event.call_id, tool_call_name=event.name),
                ToolCallArgsEvent(tool_call_id=event.call_id, delta=json.dumps(jsonable(event.args))),
                ToolCallEndEvent(tool_call_id=event.call_id),
            ]
        elif isinstance(event, ToolResultEvent):
            content = json.dumps({"status": event.status, "summary": jsonable(event.summary),
                                  "ms": event.ms})
            out.append(ToolCallResultEvent(message_id=f"{event.call_id}-result",
                                           tool_call_id=event.call_id, content=content, role="tool"))
        elif isinstance(event, CardEvent):
            out.append(ActivitySnapshotEvent(message_id=event.card_id, activity_type=event.card.type,
                                             content=event.card.model_dump(mode="json"), replace=True))
        elif isinstance(event, InterruptEvent):
            self._interrupts.append(event)
        elif isinstance(event, ErrorEvent):
            out.append(self.error(event.code, event.message))
        return out

    def finish(self, result: TurnResult) -> list[BaseEvent]:
        out = self._close_text() + self._close_steps()
        if self._interrupts:
            outcome: Any = RunFinishedInterruptOutcome(interrupts=[
                Interrupt(id=i.interrupt_id, reason=i.reason, metadata={"payload": jsonable(i.payload)},
                          response_schema={"type": "string", "enum": ["confirm", "decline"]})
                for i in self._interrupts])
        else:
            outcome = RunFinishedSuccessOutcome()
        out.append(RunFinishedEvent(thread_id=self.thread_id, run_id=self.run_id,
                                    result=result.model_dump(mode="json"), outcome=outcome))
        return out

    @property
    def interrupted(self) -> bool:
        """The run stopped at a question for the shopper (its RUN_FINISHED is an interrupt)."""
        return bool(self._interrupts)

    def error(self, code: str, message: str) -> BaseEvent:
        return RunErrorEvent(message=message, code=code)

    def fail(self, code: str, message: str) -> list[BaseEvent]:
        """A terminal error: close what is open, then RUN_ERROR (nothing may follow it)."""
        return [*self._close_text(), *self._close_steps(), self.error(code, message)]


TERMINAL_TYPES = frozenset({EventType.RUN_FINISHED.value, EventType.RUN_ERROR.value})
