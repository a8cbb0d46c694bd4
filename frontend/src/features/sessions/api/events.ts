// market-opens/events/: one entry per capture (or per row of the filtered futures), newest first.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { client, data, withFilters } from "../../../shared/api/client";

export const sessionKeys = {
  all: ["events"] as const,
  page: (query: string, pageSize: number) => ["events", query, pageSize] as const,
};

export const eventsQueryOptions = (query: string, pageSize: number) => queryOptions({
  queryKey: sessionKeys.page(query, pageSize),
  queryFn: () => data(client.GET("/api/ThorTrading/market-opens/events/", {
    params: { query: withFilters({ rows: true, page_size: pageSize }, query) },
  })),
});

export function useEvents(query: string, pageSize: number, refetchInterval: number | false) {
  return useQuery({ ...eventsQueryOptions(query, pageSize), refetchInterval });
}
