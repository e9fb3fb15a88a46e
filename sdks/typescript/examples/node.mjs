// A runnable example: report a caught error, a message and an LLM trace to bloop, then exit.
//
//   npm run build
//   BLOOP_ENDPOINT=http://localhost:5332 BLOOP_SECRET=change-me-in-production \
//   BLOOP_ENVIRONMENT=dev BLOOP_RELEASE=1.0.0 node examples/node.mjs [--crash]
//
// (`@bloop/sdk/node` resolves to this package's own build; in your app it is the installed package.)
import { init, captureException, captureMessage, startTrace, flush } from "@bloop/sdk/node";

const bloop = init({ appVersion: "1.0.0", defaults: { metadata: { example: true } } });

function loadOrder(id) {
  throw new TypeError(`order ${id} has no customer`);
}

try {
  loadOrder(42);
} catch (err) {
  captureException(err, { route: "GET /orders/:id", httpStatus: 500, requestId: "example-1" });
}
captureMessage("ExampleError", "the example ran");

const trace = startTrace({ name: "example-chat", sessionId: "example-session" });
trace.generation({ model: "gpt-4o-mini", provider: "openai", usage: { inputTokens: 12, outputTokens: 3 }, latencyMs: 420 });
trace.end({ output: "Hello!" });

if (process.argv.includes("--crash")) {
  // Uncaught: reported, flushed, then the process exits 1 as Node would.
  setTimeout(() => loadOrder(7), 0);
} else {
  const drained = await flush(5000);
  console.log(drained ? "sent to bloop" : "bloop did not answer in time", bloop.stats());
}
