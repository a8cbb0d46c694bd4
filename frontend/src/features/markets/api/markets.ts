// global-markets/markets/: the control markets with status, local time and next open/close.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { client, data } from "../../../shared/api/client";

export const marketKeys = {
  all: ["markets"] as const,
};

export const marketsQueryOptions = () => queryOptions({
  queryKey: marketKeys.all,
  queryFn: () => data(client.GET("/api/global-markets/markets/")),
});

export function useMarkets(refetchInterval: number | false) {
  return useQuery({ ...marketsQueryOptions(), refetchInterval });
}
