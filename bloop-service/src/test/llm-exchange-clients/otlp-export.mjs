// Sends an agent span with a chat call and a failing tool call through a real OTLP/HTTP exporter
// (@opentelemetry/exporter-trace-otlp-http: JSON, or -proto: protobuf) to the URL in argv[2], with the
// bearer token in argv[3]; argv[4] is "http" or "proto". Prints {"trace_id", "results"} (the exporter's
// result codes: 0 is success) on one line.
import { trace, context, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { TracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";

const [url, token, transport] = process.argv.slice(2);
const Exporter = transport === "proto" ? ProtoExporter : JsonExporter;
const inner = new Exporter({ url, headers: { Authorization: `Bearer ${token}` } });
const results = [];
const exporter = {
  export(spans, done) {
    inner.export(spans, (result) => {
      results.push(result.code);
      if (result.error) {
        results.push(String(result.error));
      }
      done(result);
    });
  },
  shutdown: () => inner.shutdown(),
  forceFlush: () => inner.forceFlush(),
};
const provider = new TracerProvider({
  resource: resourceFromAttributes({ "service.name": "shop-js" }),
  spanProcessors: [new BatchSpanProcessor({ exporter })],
});
const tracer = provider.getTracer("shop-agent-js");
const t0 = Date.UTC(2026, 0, 15, 11, 0, 0);
const agent = tracer.startSpan("invoke_agent shopper", {
  startTime: t0,
  attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "conv-js", "user.id": "user-js" },
});
const inAgent = trace.setSpan(context.active(), agent);
const chat = tracer.startSpan("chat claude-sonnet-4", {
  kind: SpanKind.CLIENT,
  startTime: t0 + 10,
  attributes: {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "anthropic",
    "gen_ai.request.model": "claude-sonnet-4",
    "gen_ai.usage.input_tokens": 2000,
    "gen_ai.usage.cache_read.input_tokens": 1500,
    "gen_ai.usage.output_tokens": 100,
  },
}, inAgent);
chat.end(t0 + 910);
const tool = tracer.startSpan("execute_tool search", {
  startTime: t0 + 920,
  attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search" },
}, inAgent);
tool.setStatus({ code: SpanStatusCode.ERROR, message: "search failed" });
tool.end(t0 + 990);
agent.end(t0 + 1000);
await provider.forceFlush();
await provider.shutdown();
console.log(JSON.stringify({ trace_id: agent.spanContext().traceId, results }));
