// The API clients: one typed by the OpenAPI schema (openapi-fetch over src/types/schema.d.ts, which
// `make api-types` generates), and the plain `api<T>` for the few bodies the schema cannot type (a
// backtest's result). Both send the session cookie and the CSRF header, and both throw ApiError with
// the server's one-line message (`{"error": "…"}`) for every 4xx/5xx.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../../types/schema";

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function errorMessage(response: Response, body: unknown): string {
  const data = body as { error?: unknown; detail?: unknown } | null;
  const message = data?.error ?? data?.detail ?? `${response.status} ${response.statusText}`;
  return typeof message === "string" ? message : JSON.stringify(message);
}

/** The body as JSON, or null when it is empty or not JSON (a proxy's HTML error page). */
async function jsonOrNull(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

const thorHeaders: Middleware = {
  onRequest({ request }) {
    request.headers.set("Accept", "application/json");
    if (request.method !== "GET") request.headers.set("X-CSRFToken", csrfToken());
    return request;
  },
  async onResponse({ response }) {
    if (!response.ok) throw new ApiError(response.status, errorMessage(response, await jsonOrNull(response.clone())));
    return response;
  },
};

/** Thor's API, typed path by path: `client.GET("/api/actandpos/accounts/")` answers the schema's
 *  shape; comma-separated lists (`status=WORKED,EXPIRED`) as the filters take them. */
export const client = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "http://localhost" : window.location.origin,
  credentials: "same-origin",
  querySerializer: { array: { style: "form", explode: false } },
  // Looked up at each call, not once at import: tests (and polyfills) replace the global fetch.
  fetch: (request: Request) => globalThis.fetch(request),
});
client.use(thorHeaders);

/** The body of a typed call (errors were thrown by the middleware as ApiError). */
export async function data<T>(call: Promise<{ data?: T }>): Promise<T> {
  return (await call).data as T;
}

/** The typed query `base` with the filters drawer's query string (`country=USA&status=WORKED,EXPIRED`)
 *  merged over it: the drawer writes lists comma-separated, as the API reads them. */
export function withFilters<Q extends object>(base: Q, query: string): Q {
  return { ...base, ...Object.fromEntries(new URLSearchParams(query)) };
}

/** An untyped call, for bodies the schema cannot describe. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  if (init.body && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  if (init.method && init.method !== "GET") headers.set("X-CSRFToken", csrfToken());
  const response = await fetch(path, { ...init, headers, credentials: "same-origin" });
  if (!response.ok) throw new ApiError(response.status, errorMessage(response, await jsonOrNull(response)));
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}
