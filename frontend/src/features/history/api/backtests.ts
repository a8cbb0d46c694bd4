// The What-if panel's reads: a backtest's progress and result, and the live figures it is set beside.
import { queryOptions } from "@tanstack/react-query";
import { api, type Backtest, type Stats } from "../../../api";

/** A backtest (`POST backtests/` answered its id), polled each second until DONE or FAILED. */
export const backtestQueryOptions = (id: number | null) => queryOptions({
  queryKey: ["backtest", id],
  queryFn: () => api<Backtest>(`/api/ThorTrading/backtests/${id}/`),
  enabled: id !== null,
  refetchInterval: (query) => (query.state.data && ["DONE", "FAILED"].includes(query.state.data.status) ? false : 1000),
});

/** The live statistics over the backtest's dates and markets (`query`: the stats filters). */
export const whatIfLiveQueryOptions = (query: string | null) => queryOptions({
  queryKey: ["whatif-live", query],
  queryFn: () => api<Stats>(`/api/ThorTrading/market-opens/stats/?${query}`),
  enabled: query !== null,
});
