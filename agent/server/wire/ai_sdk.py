"""The Vercel AI SDK UI message stream (protocol v1), translated from the run's AG-UI events, so a
React storefront using `useChat` works: cards become `data-<kind>` parts, state `data-state`."""

from __future__ import annotations

import json
from typing import Any

HEADERS = {"x-vercel-ai-ui-message-stream": "v1"}


def data_part_name(activity_type: str) -> str:
    """`sarto.outfit` -> `outfit`: the AI SDK part is `data-outfit` (a plain key for useChat types)."""
    return activity_type.removeprefix("sarto.")


class AiSdkTranslator:
    """AG-UI events (as buffered JSON) -> UI message stream chunks."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}
        self.tool_names: dict[str, str] = {}
        self.tool_args: dict[str, str] = {}

    def chunks(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        kind = event.get("type")
        if kind == "RUN_STARTED":
            return [{"type": "start", "messageId": event["runId"]}, {"type": "start-step"}]
        if kind == "STATE_SNAPSHOT":
            self.state = dict(event.get("snapshot") or {})
            return [{"type": "data-state", "id": "state", "data": self.state}]
        if kind == "STATE_DELTA":
            for op in event.get("delta", []):
                key = op["path"].lstrip("/").split("/")[0]
                if op["op"] in ("add", "replace") and key:
                    self.state[key] = op.get("value")
            return [{"type": "data-state", "id": "state", "data": self.state}]
        if kind == "TEXT_MESSAGE_START":
            return [{"type": "text-start", "id": event["messageId"]}]
        if kind == "TEXT_MESSAGE_CONTENT":
            return [{"type": "text-delta", "id": event["messageId"], "delta": event["delta"]}]
        if kind == "TEXT_MESSAGE_END":
            return [{"type": "text-end", "id": event["messageId"]}]
        if kind == "TOOL_CALL_START":
            self.tool_names[event["toolCallId"]] = event["toolCallName"]
            self.tool_args[event["toolCallId"]] = ""
            return [{"type": "tool-input-start", "toolCallId": event["toolCallId"],
                     "toolName": event["toolCallName"]}]
        if kind == "TOOL_CALL_ARGS":
            self.tool_args[event["toolCallId"]] = self.tool_args.get(event["toolCallId"], "") + event["delta"]
            return [{"type": "tool-input-delta", "toolCallId": event["toolCallId"],
                     "inputTextDelta": event["delta"]}]
        if kind == "TOOL_CALL_END":
            call_id = event["toolCallId"]
            return [{"type": "tool-input-available", "toolCallId": call_id,
                     "toolName": self.tool_names.get(call_id, "tool"),
                     "input": json.loads(self.tool_args.get(call_id) or "{}")}]
        if kind == "TOOL_CALL_RESULT":
            content = event.get("content")
            output = json.loads(content) if isinstance(content, str) else content
            return [{"type": "tool-output-available", "toolCallId": event["toolCallId"], "output": output}]
        if kind == "ACTIVITY_SNAPSHOT":
            return [{"type": f"data-{data_part_name(event['activityType'])}", "id": event["messageId"],
                     "data": event["content"]}]
        if kind == "RUN_FINISHED":
            out: list[dict[str, Any]] = []
            outcome = event.get("outcome") or {}
            if outcome.get("type") == "interrupt":
                for interrupt in outcome.get("interrupts", []):
                    out.append({"type": "data-interrupt", "id": interrupt["id"], "data": interrupt})
            return [*out, {"type": "finish-step"}, {"type": "finish", "finishReason": "stop"}]
        if kind == "RUN_ERROR":
            return [{"type": "error", "errorText": f"{event.get('code', 'error')}: {event['message']}"},
                    {"type": "finish-step"}, {"type": "finish", "finishReason": "error"}]
        return []  # steps have no counterpart in the UI message stream
