// Reads Sarto's /v1/chat with the real `ai` package: chunk schema validation + UI message assembly.
// usage: node ai_sdk_client.mjs <base_url> <bearer_token>
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema } from "ai";

const [base, token] = process.argv.slice(2);
const response = await fetch(`${base}/v1/chat`, {
  method: "POST",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
  body: JSON.stringify({
    id: "chat-contract-1",
    messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "Ho un colloquio di lavoro" }] }],
    trigger: "submit-message",
  }),
});

const chunkTypes = [];
const invalid = [];
const chunks = parseJsonEventStream({ stream: response.body, schema: uiMessageChunkSchema }).pipeThrough(
  new TransformStream({
    transform(part, controller) {
      if (!part.success) { invalid.push(String(part.error)); return; }
      chunkTypes.push(part.value.type);
      controller.enqueue(part.value);
    },
  }),
);

let message = null;
for await (const snapshot of readUIMessageStream({ stream: chunks })) {
  message = snapshot;
}
console.log(JSON.stringify({
  status: response.status,
  protocol: response.headers.get("x-vercel-ai-ui-message-stream"),
  chunkTypes,
  invalid,
  message,
}));
