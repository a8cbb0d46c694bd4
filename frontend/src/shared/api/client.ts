// Thin client for Thor's JSON API: session cookie + CSRF header; errors carry the server's message.
import type { components } from "./types/schema";

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

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  if (init.body && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  if (init.method && init.method !== "GET") headers.set("X-CSRFToken", csrfToken());
  const response = await fetch(path, { ...init, headers, credentials: "same-origin" });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = body?.error ?? body?.detail ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, typeof message === "string" ? message : JSON.stringify(message));
  }
  return body as T;
}

export type Num = number | null;

// Response types come from the API's OpenAPI schema (`make api-types` writes src/types/schema.d.ts);
// only what the schema cannot say (a backtest's result) is written here by hand.
type Schemas = components["schemas"];

export type QuoteRow = Schemas["QuoteRowOut"];
export type Total = Schemas["TotalOut"];
export type MarketRow = Schemas["MarketOut"];
export type MarketStats = Schemas["MarketStatsOut"];
export type SessionRow = Schemas["MarketSession"];
export type CaptureEvent = Schemas["CaptureEventOut"];
export type Summary = Schemas["SummaryOut"];
export type Stats = Schemas["StatsOut"];
export type Insight = Schemas["Insight"];
export type InsightCell = Schemas["InsightCell"];

export interface Page<T> { count: number; results: T[]; next: string | null; previous: string | null }

export function fmt(value: Num | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export interface BacktestTrade {
  country: string; date: string; captured_at: string; future: string; bhs: string; entry_price: Num;
  target_high: Num; target_low: Num; wndw: string; target_hit_at: string | null; target_hit_price: Num; pnl_usd: Num;
}

export interface Backtest {
  id: number; status: "QUEUED" | "RUNNING" | "DONE" | "FAILED"; progress: number; error: string;
  params: Record<string, unknown>; created_at: string; finished_at: string | null;
  result?: { params: Record<string, unknown>; stats: Stats; trades: BacktestTrade[] } | null;
}

export interface Health {
  status: string;
  feed: { ok: boolean; state: string; mode: string | null; demo: boolean };
}
