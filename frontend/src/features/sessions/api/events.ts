// market-opens/events/: one entry per capture (or per row of the filtered futures), newest first.
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { client, data, withFilters } from "../../../shared/api/client";

export const sessionKeys = {
  all: ["events"] as const,
  page: (query: string, pageSize: number, page: number) => ["events", query, pageSize, page] as const,
};

export const eventsQueryOptions = (query: string, pageSize: number, page = 1) => queryOptions({
  queryKey: sessionKeys.page(query, pageSize, page),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/events/", {
    params: { query: withFilters({ rows: true, page_size: pageSize, ...(page > 1 ? { page } : {}) }, query) },
  })),
  placeholderData: keepPreviousData,
});

export function useEvents(query: string, pageSize: number, refetchInterval: number | false, page = 1) {
  return useQuery({ ...eventsQueryOptions(query, pageSize, page), refetchInterval });
}
