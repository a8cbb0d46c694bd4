// Home's "Today" (the market-open plan's summary of the day, issue 25): today's captures, decided
// trades, hit rate and P&L — the figures of market-opens/stats/ for today, so they cannot disagree
// with History — the next open with its countdown, what went wrong (missed captures, a failing
// worker, a stale feed) and, for staff, Capture now.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { healthQueryOptions } from "./health";
import { client, data } from "../shared/api/client";
import { fmt } from "../shared/format";
import { MARKETS } from "../shared/filters/filters";
import { useLivePollInterval } from "../shared/live";
import { useGlobalTimer } from "../shared/timer";
import { When } from "../shared/ui/When";
import { historyKeys, statsQueryOptions } from "../features/history/api/history";
import { useMarkets } from "../features/markets/api/markets";
import { useMarketZones } from "../shared/zones";
import { sessionKeys } from "../features/sessions/api/events";

function countdown(target: string, now: Date): string {
  const seconds = Math.max(0, Math.floor((new Date(target).getTime() - now.getTime()) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${h}h ${String(m).padStart(2, "0")}m ${String(seconds % 60).padStart(2, "0")}s`;
}

function CaptureNow() {
  const [country, setCountry] = useState("USA");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const queries = useQueryClient();
  const capture = useMutation({
    mutationFn: () => data<{ message: string }>(client.POST("/api/ThorTrading/market-opens/capture", { body: { country } })),
    onSuccess: (result) => setMessage({ ok: true, text: result.message }),
    onError: (error) => setMessage({ ok: false, text: error.message }),
    onSettled: () => {
      void queries.invalidateQueries({ queryKey: sessionKeys.all });
      void queries.invalidateQueries({ queryKey: historyKeys.all });
    },
  });
  return (
    <form className="capture-now" aria-label="Capture now" onSubmit={(e) => { e.preventDefault(); setMessage(null); capture.mutate(); }}>
      <label>Market <select name="country" value={country} onChange={(e) => setCountry(e.target.value)}>
        {MARKETS.map((m) => <option key={m}>{m}</option>)}</select></label>
      <button type="submit" disabled={capture.isPending}>Capture now</button>
      {message && <span className={message.ok ? "ok" : "error"} role="status">{message.text}</span>}
    </form>
  );
}

export function Today({ isStaff }: { isStaff: boolean }) {
  const { now } = useGlobalTimer();
  const day = now.toISOString().slice(0, 10);
  const every = useLivePollInterval(5000, 15000);
  const stats = useQuery({ ...statsQueryOptions(`start=${day}&end=${day}`), refetchInterval: every });
  const health = useQuery({ ...healthQueryOptions(), refetchInterval: 10000 });
  const markets = useMarkets(false);
  const zones = useMarketZones();
  const next = (markets.data ?? [])
    .filter((m) => m.enable_futures_capture && m.next_open)
    .sort((a, b) => (a.next_open ?? "").localeCompare(b.next_open ?? ""))[0];
  const overall = stats.data?.overall;
  const missed = health.data?.captures?.missed ?? [];
  const failing = health.data?.failing_workers ?? [];
  return (
    <section className="today" aria-label="Today">
      <header className="toolbar"><h2>Today <small className="mono">{day}</small></h2></header>
      {overall ? (
        <dl className="today-figures">
          <dt>Captures</dt><dd data-figure="captures">{overall.rows}</dd>
          <dt>Decided trades</dt><dd data-figure="decided">{overall.worked + overall.didnt_work}</dd>
          <dt>Hit rate</dt><dd data-figure="hit-rate">{overall.hit_rate === null ? "—" : `${fmt(overall.hit_rate)}%`}</dd>
          <dt>P&amp;L</dt><dd data-figure="pnl" className={`mono ${overall.total_pnl >= 0 ? "up" : "down"}`}>${fmt(overall.total_pnl)}</dd>
          <dt>Pending</dt><dd data-figure="pending">{overall.pending}</dd>
        </dl>
      ) : <p>{stats.error ? String(stats.error) : "Loading…"}</p>}
      {next?.next_open && (
        <p className="next-open">Next open: <strong>{next.display_name}</strong>{" "}
          <When at={next.next_open} zone={zones[next.country]?.zone} place={zones[next.country]?.place} withDate={false} />
          {" "}— in <span className="mono" data-figure="countdown">{countdown(next.next_open, now)}</span></p>
      )}
      {missed.map((m) => (
        <p key={m.id} className="warn" role="alert">
          Missed capture: <strong>{m.country}</strong> opened <When at={m.expected_open ?? m.attempted_at} zone={zones[m.country]?.zone} place={zones[m.country]?.place} /> — {m.error}
        </p>
      ))}
      {failing.map((w) => <p key={w.name} className="warn" role="alert">Worker {w.name} is failing: {w.error}</p>)}
      {health.data && !health.data.feed.ok && (
        <p className="warn" role="alert">Feed {health.data.feed.state}: captures will not trade and market orders are refused until quotes are fresh.</p>
      )}
      {isStaff && <CaptureNow />}
    </section>
  );
}
