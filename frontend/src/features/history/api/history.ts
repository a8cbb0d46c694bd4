// History's reads, all under the drawer's filters (`query`): statistics, signal insight and the rows.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { client, data, withFilters } from "../../../shared/api/client";

export const historyKeys = {
  all: ["history"] as const,
  stats: (query: string) => ["history", "stats", query] as const,
  insight: (query: string) => ["history", "insight", query] as const,
  rows: (query: string, ordering: string) => ["history", "rows", query, ordering] as const,
};

export const statsQueryOptions = (query: string) => queryOptions({
  queryKey: historyKeys.stats(query),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/stats/", { params: { query: withFilters({}, query) } })),
});

export const insightQueryOptions = (query: string) => queryOptions({
  queryKey: historyKeys.insight(query),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/insight/", { params: { query: withFilters({}, query) } })),
});

/** The rows of the filters' futures (TOTAL when none is chosen), `ordering` e.g. "-captured_at". */
export const historyRowsQueryOptions = (query: string, ordering: string) => queryOptions({
  queryKey: historyKeys.rows(query, ordering),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/", {
    params: { query: withFilters({ future: ["TOTAL" as const], page_size: 100, ordering }, query) },
  })),
});

export const useStats = (query: string) => useQuery(statsQueryOptions(query));
export const useInsight = (query: string) => useQuery(insightQueryOptions(query));
export const useHistoryRows = (query: string, ordering: string) => useQuery(historyRowsQueryOptions(query, ordering));
