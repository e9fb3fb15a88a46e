// Recording OpenAI calls as LLM spans (needs `npm install openai` and a server with LLM tracing).
import OpenAI from "openai";
import { init, flush } from "@bloop/sdk/node";
import { wrapOpenAI } from "@bloop/sdk/openai";

const bloop = init();
const openai = wrapOpenAI(new OpenAI(), {
  client: bloop,
  pricing: { "gpt-4o-mini": { input: 0.15, output: 0.6 } }, // dollars per million tokens
});

const trace = bloop.startTrace({ name: "support-answer", sessionId: "s-1", input: "Where is my order?" });
const traced = wrapOpenAI(new OpenAI(), { client: bloop, trace });
const answer = await traced.chat.completions.create({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Where is my order?" }],
});
trace.end({ output: answer.choices[0].message.content });

// Without a trace, each call is a trace of its own.
await openai.embeddings.create({ model: "text-embedding-3-small", input: "order status" });
await flush(5000);
