// Express with bloop: errors thrown by routes are reported with route, request id and status.
//
//   npm install express @bloop/sdk
//   BLOOP_ENDPOINT=... BLOOP_SECRET=... BLOOP_ENVIRONMENT=dev BLOOP_RELEASE=1.0.0 node examples/express.mjs
//   curl -H 'X-Request-Id: abc' localhost:3000/orders/42
import express from "express";
import { init, expressErrorHandler } from "@bloop/sdk/node";

init();
const app = express();
app.get("/orders/:id", (req) => {
  throw new Error(`order ${req.params.id} not found in the warehouse`);
});
app.use(expressErrorHandler()); // after the routes, before your own error handler
app.use((err, _req, res, _next) => res.status(500).json({ error: err.message }));
app.listen(3000, () => console.log("listening on http://localhost:3000"));
