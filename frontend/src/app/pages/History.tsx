import { useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { FilterButton } from "../../features/filters/components/FilterDrawer";
import { useHistoryRows, useInsight, useStats } from "../../features/history/api/history";
import { WhatIfPanel } from "../../features/history/components/WhatIf";
import type { Insight, Stats, Summary } from "../../shared/api/types";
import { useFilters } from "../../shared/filters/FiltersProvider";
import { fmt } from "../../shared/format";
import { usePriceFormat } from "../../shared/price-format";
import { OutcomeBadge } from "../../shared/ui/badges";

function HitRateChart({ title, groups }: { title: string; groups: Summary[] }) {
  const data = groups.map((g) => ({ name: `${g.key} (n=${g.worked + g.didnt_work})`, hit: g.hit_rate ?? 0 }));
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" fontSize={11} />
          <YAxis domain={[0, 100]} unit="%" />
          <Tooltip />
          <Bar dataKey="hit" name="hit rate %" fill="#1b873f" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Cumulative P&L with the drawdown from the running peak (the start, 0, is a peak). */
export function drawdownSeries(days: Stats["pnl_by_day"]): { date: string; pnl: number; drawdown: number }[] {
  const series = [];
  let peak = 0;
  for (const d of days) {
    peak = Math.max(peak, d.cumulative_pnl);
    series.push({ date: d.date, pnl: d.cumulative_pnl, drawdown: d.cumulative_pnl - peak });
  }
  return series;
}

function PnlChart({ stats }: { stats: Stats }) {
  const data = useMemo(() => drawdownSeries(stats.pnl_by_day), [stats]);
  return (
    <figure className="chart" aria-label="Cumulative P&L">
      <figcaption>Cumulative P&amp;L (USD) and drawdown — max drawdown ${fmt(stats.overall.max_drawdown)}</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" fontSize={11} minTickGap={40} />
          <YAxis />
          <Tooltip />
          <Line type="monotone" dataKey="pnl" stroke="#1565c0" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="drawdown" stroke="#c62828" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function ExpectedValueTable({ groups }: { groups: Summary[] }) {
  return (
    <table className="ev" aria-label="Expected value by market">
      <thead><tr><th>Market</th><th>n</th><th>Hit rate (95 %)</th><th>EV / trade</th><th>Profit factor</th><th>Total P&amp;L</th></tr></thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.key}>
            <td>{g.key}</td><td>{g.worked + g.didnt_work + g.expired}</td>
            <td className="mono">{fmt(g.hit_rate)}% ({fmt(g.hit_rate_low, 1)}–{fmt(g.hit_rate_high, 1)})</td>
            <td className="mono">${fmt(g.expected_value)}</td><td className="mono">{fmt(g.profit_factor)}</td>
            <td className="mono">${fmt(g.total_pnl)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function InsightTable({ insight }: { insight: Insight }) {
  return (
    <table className="insight" aria-label="Signal insight">
      <caption>How often TOTAL worked after each signal (base rate {fmt(insight.base_rate)}%, n={insight.base_n})</caption>
      <thead><tr><th>Future</th><th>Signal</th><th>n</th><th>Hit rate (95 %)</th><th>Lift</th></tr></thead>
      <tbody>
        {insight.cells.slice(0, 30).map((c) => (
          <tr key={`${c.future}-${c.signal}`} className={c.low_sample ? "low-sample" : ""}>
            <td>{c.future}</td><td>{c.signal}</td><td>{c.n}{c.low_sample ? " *" : ""}</td>
            <td className="mono">{fmt(c.hit_rate)}% ({fmt(c.hit_rate_low, 1)}–{fmt(c.hit_rate_high, 1)})</td>
            <td className="mono">{c.lift === null ? "—" : `${c.lift > 0 ? "+" : ""}${fmt(c.lift)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type SortKey = "captured_at" | "country" | "pnl_usd";

function SessionTable({ query }: { query: string }) {
  const [sort, setSort] = useState<SortKey>("captured_at");
  const [descending, setDescending] = useState(true);
  const ordering = `${descending ? "-" : ""}${sort}`;
  const px = usePriceFormat();
  const rows = useHistoryRows(query, ordering);
  const header = (key: SortKey, label: string) => (
    <th>
      <button type="button" onClick={() => (key === sort ? setDescending(!descending) : setSort(key))}>
        {label}{key === sort ? (descending ? " ▼" : " ▲") : ""}
      </button>
    </th>
  );
  return (
    <table className="session-table" aria-label="Sessions">
      <thead><tr>{header("captured_at", "Captured (UTC)")}{header("country", "Market")}<th>Future</th><th>Signal</th><th>Entry</th><th>Outcome</th>{header("pnl_usd", "P&L")}</tr></thead>
      <tbody>
        {rows.data?.results.map((r) => (
          <tr key={r.id}>
            <td className="mono">{r.captured_at.slice(0, 16).replace("T", " ")}</td><td>{r.country}</td><td>{r.future}</td><td>{r.bhs || "—"}</td>
            <td className="mono">{px(r.entry_price, r.future)}</td>
            <td><OutcomeBadge outcome={r.wndw} /></td><td className="mono">{fmt(r.pnl_usd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How long a trade may stay pending before it counts as EXPIRED (SPEC §7), as the stats report it. */
export function windowNote(stats: Stats): string {
  const window = stats.evaluation_window_minutes;
  if (!window) return "";
  const overrides = Object.entries(window.markets).filter(([, m]) => m !== window.default);
  const base = window.default ? `A trade not resolved ${window.default} minutes after its capture counts as EXPIRED ($0)` : "Trades never expire";
  return overrides.length ? `${base}; ${overrides.map(([c, m]) => `${c}: ${m === null ? "never" : `${m} min`}`).join(", ")}.` : `${base}.`;
}

export function History() {
  const { query } = useFilters();
  const stats = useStats(query);
  const insight = useInsight(query);
  return (
    <section className="history">
      <header className="toolbar">
        <h2>History</h2>
        <FilterButton />
        <a className="button" href={`/api/ThorTrading/market-opens/export?format=csv&${query}`}>Export CSV</a>
        <a className="button" href={`/api/ThorTrading/market-opens/export?format=xlsx&${query}`}>Export XLSX</a>
      </header>
      {stats.error && <p className="error" role="alert">{String(stats.error)}</p>}
      {stats.data && (
        <>
          <p className="headline">
            TOTAL: {stats.data.overall.worked + stats.data.overall.didnt_work} decided trades, hit rate {fmt(stats.data.overall.hit_rate)}%,
            expected value ${fmt(stats.data.overall.expected_value)} per trade, total ${fmt(stats.data.overall.total_pnl)}.{" "}
            {windowNote(stats.data)}
          </p>
          <div className="charts">
            <HitRateChart title="Hit rate by market" groups={stats.data.by_market} />
            <HitRateChart title="Hit rate by weekday" groups={stats.data.by_weekday} />
          </div>
          <PnlChart stats={stats.data} />
          <ExpectedValueTable groups={stats.data.by_market} />
        </>
      )}
      <WhatIfPanel />
      {insight.data && <InsightTable insight={insight.data} />}
      <SessionTable query={query} />
    </section>
  );
}
