// A fetch-style handler (Request => Response), as used by Bun, Deno, Cloudflare Workers or Next.js
// route handlers, wrapped so thrown errors are reported and then re-thrown unchanged.
import { init, wrapFetchHandler } from "@bloop/sdk/node";

init();
export const handler = wrapFetchHandler(async (request) => {
  const url = new URL(request.url);
  if (url.pathname === "/boom") throw new Error("the handler failed");
  return new Response("ok");
});
