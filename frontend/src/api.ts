// Thin client for Thor's JSON API: session cookie + CSRF header; errors carry the server's message.

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

export interface QuoteRow {
  symbol: string;
  instrument: { symbol: string; name: string; display_precision: number; tick_size: number; price_format?: string; show_in_ribbon?: boolean };
  last: Num; bid: Num; ask: Num; bid_size: Num; ask_size: Num; spread: Num; vwap: Num; volume: Num;
  change: Num; change_percent: Num; open_price: Num; high_price: Num; low_price: Num; previous_close: Num;
  extended_data: { signal: string | null; signal_weight: Num; high_52w: Num; low_52w: Num };
  stale: boolean;
  source: string | null;
}

export interface Total {
  composite_signal: string | null; signal_weight_sum: number; avg_weighted: Num; sum_weighted: Num; count: number;
  stale_symbols: string[];
}

export interface MarketRow {
  country: string; display_name: string; status: string; local_time: string; next_open: string | null;
  next_close: string | null; enable_futures_capture: boolean;
}

export interface MarketStats {
  now: string; any_open: boolean; us_open: boolean; open_markets: string[];
  next_event: { country: string; event: string; at: string } | null;
}

export interface SessionRow {
  id: number; capture_group: number; country: string; future: string; bhs: string; wndw: string;
  entry_price: Num; target_high: Num; target_low: Num; pnl_usd: Num; last_price: Num; captured_at: string;
}

export interface CaptureEvent {
  capture_group: number; session_id?: number; future?: string; country: string; session_date: string; captured_at: string;
  late: boolean; is_demo: boolean;
  composite: { signal: string | null; signal_weight_sum: Num; weighted_average: Num };
  trade: {
    future?: string; signal?: string | null; entry_price: Num; target_high: Num; target_low: Num; outcome: string; pnl_usd: Num;
    hit_price?: Num; hit_at: string | null;
  };
  rows?: SessionRow[];
}

export interface Page<T> { count: number; results: T[]; next: string | null; previous: string | null }

export interface Summary {
  key?: string; rows: number; trades: number; worked: number; didnt_work: number; expired: number; pending: number;
  neutral: number; hit_rate: Num; hit_rate_low: Num; hit_rate_high: Num; expected_value: Num; profit_factor: Num;
  total_pnl: number; max_drawdown: number; avg_resolution_seconds: Num;
}

export interface Stats {
  overall: Summary; by_market: Summary[]; by_weekday: Summary[]; by_signal: Summary[]; by_future: Summary[];
  last_7_days: Summary; pnl_by_day: { date: string; trades: number; pnl: number; cumulative_pnl: number }[];
  evaluation_window_minutes?: { default: number | null; markets: Record<string, number | null> };
}

export interface InsightCell {
  future: string; signal: string; n: number; hit_rate: Num; hit_rate_low: Num; hit_rate_high: Num; lift: Num;
  low_sample: boolean;
}

export interface Insight { target: string; base_rate: Num; base_n: number; cells: InsightCell[] }

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
