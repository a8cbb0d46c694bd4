// History's reads, all under the drawer's filters (`query`): statistics, signal insight and the rows.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, type Insight, type Page, type SessionRow, type Stats } from "../../../api";

export const statsQueryOptions = (query: string) => queryOptions({
  queryKey: ["stats", query],
  queryFn: () => api<Stats>(`/api/ThorTrading/market-opens/stats/?${query}`),
});

export const insightQueryOptions = (query: string) => queryOptions({
  queryKey: ["insight", query],
  queryFn: () => api<Insight>(`/api/ThorTrading/market-opens/insight/?${query}`),
});

/** The rows of the filters' futures (TOTAL when none is chosen), `ordering` e.g. "-captured_at". */
export const historyRowsQueryOptions = (query: string, ordering: string) => queryOptions({
  queryKey: ["history-rows", query, ordering],
  queryFn: () => api<Page<SessionRow>>(
    `/api/ThorTrading/market-opens/?page_size=100&ordering=${ordering}&${query.includes("future=") ? query : `future=TOTAL&${query}`}`),
});

export const useStats = (query: string) => useQuery(statsQueryOptions(query));
export const useInsight = (query: string) => useQuery(insightQueryOptions(query));
export const useHistoryRows = (query: string, ordering: string) => useQuery(historyRowsQueryOptions(query, ordering));
