/**
 * Server integrations that need no framework dependency: an Express-style error middleware
 * `(err, req, res, next)` and a wrapper for fetch-style handlers `(Request) => Response` (Node 18+,
 * Bun, Deno, Cloudflare Workers, Next.js route handlers, Hono, ...). Both record the route, the
 * request id and the HTTP status, and never change what the app answers.
 */
import { getClient, type BloopClient } from "./client.js";
import type { EventContext } from "./event.js";

interface ReqLike {
  method?: string;
  url?: string;
  originalUrl?: string;
  baseUrl?: string;
  path?: string;
  route?: { path?: unknown };
  id?: unknown;
  headers?: Record<string, string | string[] | undefined>;
}

interface ResLike {
  statusCode?: number;
  getHeader?(name: string): unknown;
}

export interface ServerIntegrationOptions {
  /** The client to report to; the current one (from `init`) by default. */
  client?: BloopClient;
  /** Which statuses are reported. Default: 500 and above (a 404 is not a bug). */
  shouldCapture?: (status: number) => boolean;
  /** Headers holding the request id, first match wins. Default `x-request-id`, `x-correlation-id`. */
  requestIdHeaders?: string[];
}

const DEFAULT_ID_HEADERS = ["x-request-id", "x-correlation-id"];

function pathOnly(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const q = url.search(/[?#]/);
  return q >= 0 ? url.slice(0, q) : url;
}

/**
 * The route pattern with the path its router is mounted at. Inside the router `req.baseUrl` says it;
 * an app-level error handler runs after the router restored `baseUrl` to "", so the mount path is
 * then taken from the URL: the leading segments the pattern does not account for.
 */
function mountedRoute(req: ReqLike, routePath: string): string {
  if (req.baseUrl) return req.baseUrl + routePath;
  const url = pathOnly(req.originalUrl);
  if (!url || /[*?()]/.test(routePath)) return routePath;
  const urlSegments = url.split("/").filter(Boolean);
  const routeSegments = routePath.split("/").filter(Boolean);
  const extra = urlSegments.length - routeSegments.length;
  if (extra <= 0) return routePath;
  return "/" + urlSegments.slice(0, extra).join("/") + (routePath === "/" ? "" : routePath);
}

/** `GET /users/:id` from an Express request (the matched route's pattern when there is one). */
export function routeOfRequest(req: ReqLike): string | undefined {
  const method = (req.method || "GET").toUpperCase();
  let path: string | undefined;
  if (req.route && typeof req.route.path === "string") {
    path = mountedRoute(req, req.route.path);
  } else {
    path = pathOnly(req.originalUrl ?? req.url);
  }
  return path ? `${method} ${path}` : undefined;
}

function header(req: ReqLike, name: string): string | undefined {
  const h = req.headers && req.headers[name];
  if (Array.isArray(h)) return h[0];
  return typeof h === "string" && h !== "" ? h : undefined;
}

function requestIdOf(req: ReqLike, res: ResLike | undefined, names: string[]): string | undefined {
  for (const n of names) {
    const v = header(req, n);
    if (v) return v;
  }
  if (typeof req.id === "string" || typeof req.id === "number") return String(req.id);
  if (res && typeof res.getHeader === "function") {
    for (const n of names) {
      const v = res.getHeader(n);
      if (typeof v === "string" && v) return v;
    }
  }
  return undefined;
}

/** The status an error will be answered with: `err.status`/`err.statusCode`, else 500. */
export function statusOfError(err: unknown, res?: ResLike): number {
  const e = err as { status?: unknown; statusCode?: unknown } | null;
  for (const v of [e && e.status, e && e.statusCode]) {
    if (typeof v === "number" && Number.isInteger(v) && v >= 400 && v <= 599) return v;
  }
  if (res && typeof res.statusCode === "number" && res.statusCode >= 400 && res.statusCode <= 599) return res.statusCode;
  return 500;
}

/**
 * Express (or Connect-style) error middleware: reports the error with route, request id and status,
 * then passes it on with `next(err)` so the app's own error handling still answers. Register it after
 * the routes and before your own error handlers: `app.use(expressErrorHandler())`.
 */
export function expressErrorHandler(options: ServerIntegrationOptions = {}) {
  const shouldCapture = options.shouldCapture ?? ((s: number) => s >= 500);
  const names = options.requestIdHeaders ?? DEFAULT_ID_HEADERS;
  return function bloopErrorHandler(err: unknown, req: ReqLike, res: ResLike, next: (err?: unknown) => void): void {
    try {
      const client = options.client ?? getClient();
      const status = statusOfError(err, res);
      if (client && shouldCapture(status)) {
        const ctx: EventContext = { httpStatus: status, route: routeOfRequest(req), requestId: requestIdOf(req, res, names) };
        client.captureException(err, ctx);
      }
    } catch {
      // reporting never changes how the request is answered
    }
    next(err);
  };
}

interface RequestLike {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
}

export interface FetchHandlerOptions<Q extends RequestLike = RequestLike> extends ServerIntegrationOptions {
  /** The route to record, e.g. from your router's pattern. Default: method and URL path. */
  route?: (request: Q) => string | undefined;
}

/**
 * Wraps a fetch-style handler `(request, ...rest) => Response`: an error it throws (or rejects
 * with) is reported with route, request id and status 500 and thrown again unchanged; a response
 * with a status `shouldCapture` accepts (none by default) is reported as `HttpError`.
 */
export function wrapFetchHandler<Q extends RequestLike, R, A extends unknown[]>(
  handler: (request: Q, ...rest: A) => R | Promise<R>,
  options: FetchHandlerOptions<Q> = {},
): (request: Q, ...rest: A) => Promise<R> {
  const names = options.requestIdHeaders ?? DEFAULT_ID_HEADERS;
  const context = (request: Q, status: number): EventContext => {
    let route: string | undefined;
    try {
      route = options.route ? options.route(request) : `${request.method.toUpperCase()} ${new URL(request.url).pathname}`;
    } catch {
      route = undefined;
    }
    let requestId: string | undefined;
    for (const n of names) {
      const v = request.headers && request.headers.get(n);
      if (v) {
        requestId = v;
        break;
      }
    }
    return { route, requestId, httpStatus: status };
  };
  return async (request, ...rest) => {
    let response: R;
    try {
      response = await handler(request, ...rest);
    } catch (err) {
      try {
        const client = options.client ?? getClient();
        if (client) client.captureException(err, context(request, statusOfError(err)));
      } catch {
        // never mask the handler's error
      }
      throw err;
    }
    try {
      const status = (response as unknown as { status?: unknown }).status;
      const client = options.client ?? getClient();
      if (client && options.shouldCapture && typeof status === "number" && options.shouldCapture(status)) {
        const ctx = context(request, status);
        client.captureMessage("HttpError", `${status} answered to ${ctx.route ?? request.url}`, ctx);
      }
    } catch {
      // the response goes back as it is
    }
    return response;
  };
}
