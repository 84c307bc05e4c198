// Runs Sarto's AG-UI endpoint with the real @ag-ui/client HttpAgent and prints what it understood.
// usage: node agui_client.mjs <base_url> <bearer_token>
import { HttpAgent } from "@ag-ui/client";

const [base, token] = process.argv.slice(2);

function newAgent(threadId, message) {
  return new HttpAgent({
    url: `${base}/v1/agent/run`,
    headers: { Authorization: `Bearer ${token}` },
    threadId,
    initialMessages: [{ id: `u-${threadId}`, role: "user", content: message }],
  });
}

async function run(agent, params) {
  const types = [];
  let failure = null;
  const result = await agent.runAgent(params, {
    onEvent({ event }) { types.push(event.type); },
    onRunFailed({ error }) { failure = String(error); },
  }).catch((error) => { failure = String(error); return null; });
  return {
    types,
    failure,
    result: result ? result.result : null,
    messages: agent.messages.map((m) => ({ role: m.role, content: m.content ?? null, activityType: m.activityType ?? null, toolCalls: m.toolCalls ?? null })),
    state: agent.state,
    pendingInterrupts: agent.pendingInterrupts,
  };
}

const outfit = await run(newAgent("t-contract-1", "Ho un colloquio di lavoro, cosa mi metto?"),
  { runId: "run-contract-1", forwardedProps: { language: "it", layout: "spec-table" } });

const reserving = newAgent("t-contract-2", "prenota il look a Milano");
const interrupted = await run(reserving, { runId: "run-contract-2", forwardedProps: { language: "it" } });
const answers = reserving.pendingInterrupts.map((i) => ({ interruptId: i.id, status: "resolved", payload: "confirm" }));
const resumed = await run(reserving, { runId: "run-contract-3", resume: answers, forwardedProps: { language: "it" } });

console.log(JSON.stringify({ outfit, interrupted, resumed }));
