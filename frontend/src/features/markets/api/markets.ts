// global-markets/markets/: the control markets with status, local time and next open/close.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, type MarketRow } from "../../../api";

export const marketsQueryOptions = () => queryOptions({
  queryKey: ["markets"],
  queryFn: () => api<MarketRow[]>("/api/global-markets/markets/"),
});

export function useMarkets(refetchInterval: number | false) {
  return useQuery({ ...marketsQueryOptions(), refetchInterval });
}
