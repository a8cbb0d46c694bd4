// market-opens/events/: one entry per capture (or per row of the filtered futures), newest first.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, type CaptureEvent, type Page } from "../../../api";

export const eventsQueryOptions = (query: string, pageSize: number) => queryOptions({
  queryKey: ["events", query, pageSize],
  queryFn: () => api<Page<CaptureEvent>>(`/api/ThorTrading/market-opens/events/?rows=1&page_size=${pageSize}${query ? `&${query}` : ""}`),
});

export function useEvents(query: string, pageSize: number, refetchInterval: number | false) {
  return useQuery({ ...eventsQueryOptions(query, pageSize), refetchInterval });
}
