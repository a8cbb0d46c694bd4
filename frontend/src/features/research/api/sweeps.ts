// The Research page's reads and writes (issue 26): start a sweep, poll it, cancel it, list the kept ones.
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../shared/api/client";
import type { Stats, Summary } from "../../../shared/api/types";

export interface SweepVariant {
  target_mode: string; profit_target: number; stop_loss: number; window_minutes: number | null;
  stats: Stats;
  net: { overall: Summary; by_market: Summary[]; by_weekday: Summary[]; pnl_by_day: Stats["pnl_by_day"] };
  table: { country: string; weekday: string; n: number; hit_rate: number | null; expected_value: number | null }[];
}

export interface WalkForward {
  train_days: number; test_days: number; in_sample_ev: number | null; out_of_sample_ev: number | null;
  folds: { market: string; train_from: string; train_to: string; test_from: string; test_to: string; variant: number;
           in_sample_ev: number | null; in_sample_n: number; out_of_sample_ev: number | null; out_of_sample_n: number }[];
}

export interface Sweep {
  id: number; status: "QUEUED" | "RUNNING" | "DONE" | "FAILED" | "CANCELLED"; progress: number; error: string;
  params: Record<string, unknown>; created_at: string; finished_at: string | null;
  result?: {
    params: Record<string, unknown>; variants: SweepVariant[]; walk_forward: WalkForward | null;
    pbo: { pbo: number | null; combinations: number; periods: number; variants: number };
  } | null;
}

export const sweepKeys = {
  all: ["sweeps"] as const,
  list: ["sweeps", "list"] as const,
  one: (id: number | null) => ["sweeps", id] as const,
};

const FINISHED = ["DONE", "FAILED", "CANCELLED"];

/** A sweep, polled each second until it is finished (its result has a shape of its own: untyped call). */
export const sweepQueryOptions = (id: number | null) => queryOptions({
  queryKey: sweepKeys.one(id),
  queryFn: () => api<Sweep>(`/api/ThorTrading/sweeps/${id}/`),
  enabled: id !== null,
  refetchInterval: (query) => (query.state.data && FINISHED.includes(query.state.data.status) ? false : 1000),
});

/** Your latest 20 sweeps (kept, to compare). */
export const sweepsQueryOptions = () => queryOptions({
  queryKey: sweepKeys.list,
  queryFn: () => api<Sweep[]>("/api/ThorTrading/sweeps/"),
});

export function useStartSweep(onQueued: (sweep: Sweep) => void) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<Sweep>("/api/ThorTrading/sweeps/", { method: "POST", body: JSON.stringify(body) }),
    onSuccess: onQueued,
    onSettled: () => queries.invalidateQueries({ queryKey: sweepKeys.list }),
  });
}

export function useCancelSweep() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<Sweep>(`/api/ThorTrading/sweeps/${id}/cancel`, { method: "POST" }),
    onSettled: () => queries.invalidateQueries({ queryKey: sweepKeys.all }),
  });
}

/** "USD 50 / 100, 30 min" */
export function variantLabel(v: Pick<SweepVariant, "target_mode" | "profit_target" | "stop_loss" | "window_minutes">): string {
  const window = v.window_minutes === null ? "market window" : v.window_minutes === 0 ? "no window" : `${v.window_minutes} min`;
  return `${v.target_mode} ${v.profit_target} / ${v.stop_loss}, ${window}`;
}

/** The figures of a variant for one market (or all markets: null), net of costs. */
export function netFor(v: SweepVariant, market: string | null): Summary | undefined {
  return market === null ? v.net.overall : v.net.by_market.find((g) => g.key === market);
}
