// /api/health/: the feed mode the header shows (DEMO, REPLAY).
import { queryOptions } from "@tanstack/react-query";
import { client, data } from "../shared/api/client";
import type { Health } from "../shared/api/types";

export const healthKeys = {
  all: ["health"] as const,
};

export const healthQueryOptions = () => queryOptions({
  queryKey: healthKeys.all,
  queryFn: () => data(client.GET("/api/health/")) as Promise<unknown> as Promise<Health>,
});
