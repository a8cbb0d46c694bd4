// The intraday chart's data: 1-minute OHLCV bars with the session VWAP, and the symbol's captures.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, type Num, type Page, type SessionRow } from "../../../api";

export interface Bar {
  minute: string; open: number; high: number; low: number; close: number; volume: number; session_vwap: Num;
}

export const barsQueryOptions = (symbol: string, start: string) => queryOptions({
  queryKey: ["bars", symbol, start],
  queryFn: () => api<{ symbol: string; bars: Bar[] }>(`/api/ThorTrading/intraday/bars?symbol=${symbol}&start=${encodeURIComponent(start)}`),
});

/** The symbol's capture rows since `day` (YYYY-MM-DD); YM also shows TOTAL's rows (TOTAL trades YM). */
export const symbolCapturesQueryOptions = (symbol: string, day: string) => queryOptions({
  queryKey: ["history-rows", "chart", symbol, day],
  queryFn: () => api<Page<SessionRow>>(
    `/api/ThorTrading/market-opens/?future=${symbol === "YM" ? "YM,TOTAL" : symbol}&start=${day}&page_size=100&ordering=captured_at`),
});

export function useBars(symbol: string, start: string, refetchInterval: number | false) {
  return useQuery({ ...barsQueryOptions(symbol, start), refetchInterval });
}

export function useSymbolCaptures(symbol: string, day: string) {
  return useQuery(symbolCapturesQueryOptions(symbol, day));
}
