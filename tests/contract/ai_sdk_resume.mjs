// useChat's resume with the real `ai` transport: drop /v1/chat mid-turn, reconnect with
// DefaultChatTransport.reconnectToStream (GET /v1/chat/{id}/stream), assemble the message.
// usage: node ai_sdk_resume.mjs <base_url> <bearer_token>
import { DefaultChatTransport, readUIMessageStream } from "ai";

const [base, token] = process.argv.slice(2);
const chatId = "chat-resume-js";
const drop = new AbortController();
const response = await fetch(`${base}/v1/chat`, {
  method: "POST",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
  body: JSON.stringify({
    id: chatId,
    messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "Ho un colloquio di lavoro" }] }],
    trigger: "submit-message",
  }),
  signal: drop.signal,
});
await response.body.getReader().read(); // the first bytes arrive, then the network drops
drop.abort();

const transport = new DefaultChatTransport({ api: `${base}/v1/chat`, headers: { Authorization: `Bearer ${token}` } });
const stream = await transport.reconnectToStream({ chatId });
let message = null;
if (stream) {
  for await (const snapshot of readUIMessageStream({ stream })) message = snapshot;
}
const afterFinish = await transport.reconnectToStream({ chatId });
console.log(JSON.stringify({ status: response.status, resumed: stream !== null, message,
                             afterFinishIsNull: afterFinish === null }));
