// Response types come from the API's OpenAPI schema (`make api-types` writes src/types/schema.d.ts);
// only what the schema cannot say (a backtest's result) is written here by hand.
import type { components } from "../../types/schema";

type Schemas = components["schemas"];

export type Num = number | null;
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
export type Account = Schemas["Account"];
export type Position = Schemas["Position"];
export type Order = Schemas["Order"];
export type Statement = Schemas["Statement"];

export interface Page<T> { count: number; results: T[]; next: string | null; previous: string | null }

export interface BacktestTrade {
  country: string; date: string; captured_at: string; future: string; bhs: string; entry_price: Num;
  target_high: Num; target_low: Num; wndw: string; target_hit_at: string | null; target_hit_price: Num; pnl_usd: Num;
}

export interface Backtest {
  id: number; status: "QUEUED" | "RUNNING" | "DONE" | "FAILED"; progress: number; error: string;
  params: Record<string, unknown>; created_at: string; finished_at: string | null;
  result?: {
    params: Record<string, unknown>; stats: Stats; trades: BacktestTrade[];
    /** the same figures net of commissions and slippage (issue 26) */
    net?: { overall: Summary; by_market: Summary[]; by_weekday: Summary[] };
  } | null;
}

export interface Health {
  status: string;
  feed: { ok: boolean; state: string; mode: string | null; demo: boolean; seconds_since_success?: number | null; last_error?: string | null };
  /** market opens not captured in the last 24 hours */
  captures?: { ok: boolean; missed?: { id: number; country: string; expected_open: string | null; attempted_at: string; error: string }[] };
  /** workers whose latest step failed */
  failing_workers?: { name: string; error: string | null }[];
  recorder?: { ok: boolean; error?: string | null; free_bytes?: number | null; backlog?: { unwritten: number; headroom: number } | null };
}
