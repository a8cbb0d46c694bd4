// The intraday chart's data: 1-minute OHLCV bars with the session VWAP, and the symbol's captures.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { client, data } from "../../../shared/api/client";
import type { Num } from "../../../shared/api/types";

export interface Bar {
  minute: string; open: number; high: number; low: number; close: number; volume: number; session_vwap: Num;
}

export const chartKeys = {
  all: ["chart"] as const,
  bars: (symbol: string, start: string) => ["chart", "bars", symbol, start] as const,
  /** Capture rows drawn as entry/target/stop lines: stale after every capture, grade and expiry. */
  captures: ["chart", "captures"] as const,
};

export const barsQueryOptions = (symbol: string, start: string) => queryOptions({
  queryKey: chartKeys.bars(symbol, start),
  queryFn: () => data<{ symbol: string; bars: Bar[] }>(client.GET("/api/ThorTrading/intraday/bars", {
    params: { query: { symbol: symbol as "YM", start } },
  })),
});

/** The symbol's capture rows since `day` (YYYY-MM-DD); YM also shows TOTAL's rows (TOTAL trades YM). */
export const symbolCapturesQueryOptions = (symbol: string, day: string) => queryOptions({
  queryKey: [...chartKeys.captures, symbol, day],
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/", {
    params: { query: { future: symbol === "YM" ? ["YM", "TOTAL"] : [symbol as "YM"], start: day, page_size: 100, ordering: "captured_at" } },
  })),
});

export function useBars(symbol: string, start: string, refetchInterval: number | false) {
  return useQuery({ ...barsQueryOptions(symbol, start), refetchInterval });
}

export function useSymbolCaptures(symbol: string, day: string) {
  return useQuery(symbolCapturesQueryOptions(symbol, day));
}
