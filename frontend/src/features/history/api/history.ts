// History's reads, all under the drawer's filters (`query`): statistics, signal insight and the rows.
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { client, data, withFilters } from "../../../shared/api/client";

export const historyKeys = {
  all: ["history"] as const,
  stats: (query: string) => ["history", "stats", query] as const,
  insight: (query: string) => ["history", "insight", query] as const,
  rows: (query: string, ordering: string, page: number) => ["history", "rows", query, ordering, page] as const,
  capture: (group: number) => ["history", "capture", group] as const,
};

export const statsQueryOptions = (query: string) => queryOptions({
  queryKey: historyKeys.stats(query),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/stats/", { params: { query: withFilters({}, query) } })),
});

export const insightQueryOptions = (query: string) => queryOptions({
  queryKey: historyKeys.insight(query),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/insight/", { params: { query: withFilters({}, query) } })),
});

/** Rows a page of History's table holds. */
export const HISTORY_PAGE_SIZE = 100;

/** A page of the rows of the filters' futures (TOTAL when none is chosen), `ordering` e.g. "-captured_at". */
export const historyRowsQueryOptions = (query: string, ordering: string, page: number) => queryOptions({
  queryKey: historyKeys.rows(query, ordering, page),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/", {
    params: { query: withFilters({ future: ["TOTAL" as const], page_size: HISTORY_PAGE_SIZE, ordering, ...(page > 1 ? { page } : {}) }, query) },
  })),
  placeholderData: keepPreviousData,
});

/** A capture's 12 rows (History's expanded row). */
export const captureRowsQueryOptions = (group: number) => queryOptions({
  queryKey: historyKeys.capture(group),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/captures/{capture_group}/", {
    params: { path: { capture_group: String(group) } },
  })),
});

export const useStats = (query: string) => useQuery(statsQueryOptions(query));
export const useInsight = (query: string) => useQuery(insightQueryOptions(query));
export const useHistoryRows = (query: string, ordering: string, page: number) => useQuery(historyRowsQueryOptions(query, ordering, page));
export const useCaptureRows = (group: number) => useQuery(captureRowsQueryOptions(group));
