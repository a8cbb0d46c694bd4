import { Fragment, useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { FilterButton } from "../../features/filters/components/FilterDrawer";
import { HISTORY_PAGE_SIZE, useCaptureRows, useHistoryRows, useInsight, useStats } from "../../features/history/api/history";
import { WhatIfPanel } from "../../features/history/components/WhatIf";
import type { Insight, Stats, Summary } from "../../shared/api/types";
import { useMarketZones } from "../../shared/zones";
import { SessionRows } from "../../features/sessions/components/SessionCard";
import { useFilters, usePageParam } from "../../shared/filters/FiltersProvider";
import { fmt } from "../../shared/format";
import { usePriceFormat } from "../../shared/price-format";
import { OutcomeBadge } from "../../shared/ui/badges";
import { Pager } from "../../shared/ui/Pager";
import { When } from "../../shared/ui/When";

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

/** The best and the worst group by expected value that a lucky handful cannot win: best = the
 *  highest low end of the 95 % interval, worst = the lowest high end (groups without an interval,
 *  below two trades, take no part). */
export function bestAndWorst(groups: Summary[]): { best: string | null; worst: string | null } {
  const ranked = groups.filter((g) => g.expected_value_low !== null && g.expected_value_high !== null);
  if (ranked.length < 2) return { best: null, worst: null };
  const best = ranked.reduce((a, b) => ((b.expected_value_low ?? 0) > (a.expected_value_low ?? 0) ? b : a));
  const worst = ranked.reduce((a, b) => ((b.expected_value_high ?? 0) < (a.expected_value_high ?? 0) ? b : a));
  return { best: best.key ?? null, worst: worst === best ? null : worst.key ?? null };
}

function ExpectedValueTable({ groups, by }: { groups: Summary[]; by: string }) {
  const { best, worst } = bestAndWorst(groups);
  return (
    <table className="ev" aria-label={`Expected value by ${by}`}>
      <caption>By {by}: <span className="badge best">BEST</span> has the highest low end of its 95 % interval, <span className="badge worst">WORST</span> the lowest high end</caption>
      <thead><tr><th>{by === "market" ? "Market" : "Weekday"}</th><th>n</th><th>Hit rate (95 %)</th><th>EV / trade (95 %)</th><th>Profit factor</th><th>Total P&amp;L</th></tr></thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.key} className={g.key === best ? "best" : g.key === worst ? "worst" : ""}>
            <td>{g.key}{g.key === best && <> <span className="badge best">BEST</span></>}{g.key === worst && <> <span className="badge worst">WORST</span></>}</td>
            <td>{g.worked + g.didnt_work + g.expired}</td>
            <td className="mono">{fmt(g.hit_rate)}% ({fmt(g.hit_rate_low, 1)}–{fmt(g.hit_rate_high, 1)})</td>
            <td className="mono">${fmt(g.expected_value)} ({g.expected_value_low === null ? "—" : `${fmt(g.expected_value_low)} … ${fmt(g.expected_value_high)}`})</td>
            <td className="mono">{fmt(g.profit_factor)}</td>
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

/** History's columns: the API's ordering field and the header. */
const COLUMNS: [string, string][] = [
  ["captured_at", "Captured"], ["country", "Market"], ["day", "Day"], ["future", "Future"], ["bhs", "Signal"],
  ["entry_price", "Entry"], ["wndw", "Outcome"], ["resolved_at", "Resolved"], ["pnl_usd", "P&L"],
];

function CaptureRows({ group }: { group: number }) {
  const rows = useCaptureRows(group);
  if (rows.error) return <p className="error" role="alert">{String(rows.error)}</p>;
  return rows.data ? <SessionRows rows={rows.data} /> : <p>Loading…</p>;
}

function SessionTable({ query }: { query: string }) {
  const [sort, setSort] = useState("captured_at");
  const [descending, setDescending] = useState(true);
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const [page, setPage] = usePageParam();
  const ordering = `${descending ? "-" : ""}${sort}`;
  const px = usePriceFormat();
  const zones = useMarketZones();
  const rows = useHistoryRows(query, ordering, page);
  const sortBy = (key: string) => {
    if (key === sort) setDescending(!descending);
    else { setSort(key); setDescending(key === "captured_at" || key === "resolved_at" || key === "pnl_usd"); }
    setPage(1);
  };
  const toggle = (group: number) => {
    const next = new Set(expanded);
    if (next.has(group)) next.delete(group); else next.add(group);
    setExpanded(next);
  };
  return (
    <>
      {rows.data && <Pager page={page} pageSize={HISTORY_PAGE_SIZE} count={rows.data.count} noun={["row", "rows"]} onPage={setPage} />}
      <table className="session-table" aria-label="Sessions">
        <thead><tr><th aria-label="Expand" />{COLUMNS.map(([key, label]) => (
          <th key={key} aria-sort={key === sort ? (descending ? "descending" : "ascending") : "none"}>
            <button type="button" onClick={() => sortBy(key)}>{label}{key === sort ? (descending ? " ▼" : " ▲") : ""}</button>
          </th>
        ))}</tr></thead>
        <tbody>
          {rows.data?.results.map((r) => {
            const open = expanded.has(r.capture_group);
            const market = zones[r.country];
            return (
              <Fragment key={r.id}>
                <tr data-capture-group={r.capture_group}>
                  <td><button type="button" aria-expanded={open} aria-label={`${open ? "Hide" : "Show"} the 12 instruments of ${r.country} ${r.session_date}`}
                              onClick={() => toggle(r.capture_group)}>{open ? "▾" : "▸"}</button></td>
                  <td><When at={r.captured_at} zone={market?.zone} place={market?.place} /></td>
                  <td>{r.country}</td><td>{r.day}</td><td>{r.future}</td><td>{r.bhs || "—"}</td>
                  <td className="mono">{px(r.entry_price, r.future === "TOTAL" ? "YM" : r.future)}</td>
                  <td><OutcomeBadge outcome={r.wndw} />{r.reason && <small> {r.reason}</small>}</td>
                  <td>{r.wndw === "PENDING" || !r.resolved_at ? "—" : <When at={r.resolved_at} zone={market?.zone} place={market?.place} withDate={false} />}</td>
                  <td className="mono">{fmt(r.pnl_usd)}</td>
                </tr>
                {open && <tr className="expanded"><td colSpan={COLUMNS.length + 1}><CaptureRows group={r.capture_group} /></td></tr>}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </>
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
            expected value ${fmt(stats.data.overall.expected_value)} per trade, total ${fmt(stats.data.overall.total_pnl)}
            {stats.data.net && <> — net of commissions and slippage: EV ${fmt(stats.data.net.overall.expected_value)}, total ${fmt(stats.data.net.overall.total_pnl)}</>}.{" "}
            {windowNote(stats.data)}
          </p>
          <div className="charts">
            <HitRateChart title="Hit rate by market" groups={stats.data.by_market} />
            <HitRateChart title="Hit rate by weekday" groups={stats.data.by_weekday} />
          </div>
          <PnlChart stats={stats.data} />
          <div className="ev-tables">
            <ExpectedValueTable groups={stats.data.by_market} by="market" />
            <ExpectedValueTable groups={stats.data.by_weekday} by="weekday" />
          </div>
        </>
      )}
      <WhatIfPanel />
      {insight.data && <InsightTable insight={insight.data} />}
      <SessionTable query={query} />
    </section>
  );
}
