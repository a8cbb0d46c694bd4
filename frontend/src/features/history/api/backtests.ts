// The What-if panel's reads and its one write: a backtest's progress and result, the live figures it
// is set beside, and POST backtests/ (a variant to run).
import { queryOptions, useMutation } from "@tanstack/react-query";
import { api, client, data, withFilters } from "../../../shared/api/client";
import type { Backtest } from "../../../shared/api/types";

export const backtestKeys = {
  all: ["backtests"] as const,
  one: (id: number | null) => ["backtests", id] as const,
  live: (query: string | null) => ["backtests", "live", query] as const,
};

/** A backtest (`POST backtests/` answered its id), polled each second until DONE or FAILED. The
 *  result's trades are not in the schema (a backtest's own shape), hence the untyped call. */
export const backtestQueryOptions = (id: number | null) => queryOptions({
  queryKey: backtestKeys.one(id),
  queryFn: () => api<Backtest>(`/api/ThorTrading/backtests/${id}/`),
  enabled: id !== null,
  refetchInterval: (query) => (query.state.data && ["DONE", "FAILED"].includes(query.state.data.status) ? false : 1000),
});

/** The live statistics over the backtest's dates and markets (`query`: the stats filters). */
export const whatIfLiveQueryOptions = (query: string | null) => queryOptions({
  queryKey: backtestKeys.live(query),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/stats/", { params: { query: withFilters({}, query ?? "") } })),
  enabled: query !== null,
});

/** Run a variant: `POST backtests/` with its parameters → the queued backtest (its id to poll). */
export function useRunBacktest(onQueued: (backtest: Backtest) => void) {
  return useMutation({
    mutationFn: (params: Record<string, unknown>) =>
      api<Backtest>("/api/ThorTrading/backtests/", { method: "POST", body: JSON.stringify(params) }),
    onSuccess: onQueued,
  });
}
