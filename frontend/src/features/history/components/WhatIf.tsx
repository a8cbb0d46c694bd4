// "What if": run a variant of the market-open strategy over the tick archive (POST backtests/) and
// show it beside the live figures — hit rate, EV, profit factor, drawdown by market and weekday.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Stats, Summary } from "../../../shared/api/types";
import { fmt } from "../../../shared/format";
import { backtestQueryOptions, useRunBacktest, whatIfLiveQueryOptions } from "../api/backtests";

const CAPTURING = ["Japan", "China", "India", "United Kingdom", "Pre_USA", "USA"];

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

export interface Variant {
  start: string; end: string; markets: string[]; profit: string; stop: string; window: string;
  /** Whose trades the figures are over: TOTAL (the composite, trading YM), one future, or "all". */
  future?: string;
}

const FUTURES = ["TOTAL", "all", "YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB"];

export function variantBody(v: Variant): Record<string, unknown> {
  const body: Record<string, unknown> = { start: v.start, end: v.end };
  if (v.markets.length) body.markets = v.markets;
  if (v.profit && v.stop) Object.assign(body, { target_mode: "USD", profit_target: v.profit, stop_loss: v.stop });
  if (v.window !== "") body.window_minutes = Number(v.window);
  if (v.future && v.future !== "TOTAL") body.future = v.future;
  return body;
}

function Row({ label, live, test }: { label: string; live?: Summary; test?: Summary }) {
  const cells = (s?: Summary) => [
    <td key="n" className="mono">{s ? s.worked + s.didnt_work + s.expired : "—"}</td>,
    <td key="h" className="mono">{fmt(s?.hit_rate)}%</td>,
    <td key="ev" className="mono">${fmt(s?.expected_value)}</td>,
    <td key="pf" className="mono">{fmt(s?.profit_factor)}</td>,
    <td key="dd" className="mono">${fmt(s?.max_drawdown)}</td>,
  ];
  return <tr><th scope="row">{label}</th>{cells(live)}{cells(test)}</tr>;
}

function Comparison({ live, test }: { live?: Stats; test: Stats }) {
  const keys = (pick: (s: Stats) => Summary[]) =>
    Array.from(new Set([...(live ? pick(live) : []), ...pick(test)].map((g) => g.key ?? "")));
  const find = (groups: Summary[] | undefined, key: string) => groups?.find((g) => g.key === key);
  return (
    <table className="whatif-table" aria-label="What if versus live">
      <thead>
        <tr><th /><th colSpan={5}>Live captures</th><th colSpan={5}>What if</th></tr>
        <tr><th />{[0, 1].flatMap((i) => ["n", "Hit rate", "EV", "PF", "Max DD"].map((h) => <th key={`${i}${h}`}>{h}</th>))}</tr>
      </thead>
      <tbody>
        <Row label="Overall" live={live?.overall} test={test.overall} />
        {keys((s) => s.by_market).map((k) => <Row key={`m${k}`} label={k} live={find(live?.by_market, k)} test={find(test.by_market, k)} />)}
        {keys((s) => s.by_weekday).map((k) => <Row key={`w${k}`} label={k} live={find(live?.by_weekday, k)} test={find(test.by_weekday, k)} />)}
      </tbody>
    </table>
  );
}

/** The live captures' stats over the same dates (and market, when one is chosen) as a variant. */
export function liveQuery(v: { start: string; end: string; markets: string[] }): string {
  const params = new URLSearchParams({ start: v.start, end: v.end });
  if (v.markets.length === 1) params.set("country", v.markets[0]);
  return params.toString();
}

/** What a backtest ran on (SPEC §15): the params the API adds about its data. */
interface DataParams {
  resolution?: string[];
  sources?: string[];
  contracts?: string[];
  days?: string[];
  roll?: string;
  close_source?: Record<string, number>;
  opens_with_data?: number;
  opens_without_data?: number;
  ambiguous?: number;
  ticks?: number;
  bars?: number;
}

const RESOLUTION_LABEL: Record<string, string> = { tick: "ticks", "1s": "1-second bars", "1m": "1-minute bars" };

/** One line saying which data a What if ran on, so that a figure is never read without its source. */
export function DataSource({ params }: { params: DataParams }) {
  const resolutions = params.resolution ?? [];
  if (resolutions.length === 0) return <p className="note data-source">Data: none for these dates.</p>;
  const days = params.days ?? [];
  const span = days.length ? `${days.length} CME day${days.length === 1 ? "" : "s"} (${days[0]} … ${days[days.length - 1]})` : "";
  const closes = Object.entries(params.close_source ?? {}).map(([k, n]) => `${k} ×${n}`).join(", ");
  return (
    <p className="note data-source" aria-label="Data source">
      Data: {resolutions.map((r) => RESOLUTION_LABEL[r] ?? r).join(" and ")} from {(params.sources ?? []).join(", ") || "the archive"}
      {params.contracts?.length ? `; contracts ${params.contracts.join(", ")}` : ""}; {span}
      {closes ? `; previous close from ${closes}` : ""}; roll rule {params.roll ?? "volume"};{" "}
      {params.opens_with_data ?? 0} opens with data, {params.opens_without_data ?? 0} without; {params.ambiguous ?? 0} ambiguous
    </p>
  );
}

export function WhatIfPanel() {
  const [variant, setVariant] = useState<Variant>({ start: isoDay(-7), end: isoDay(0), markets: [], profit: "150", stop: "100", window: "30" });
  const [id, setId] = useState<number | null>(null);
  const run = useRunBacktest((accepted) => setId(accepted.id));
  const backtest = useQuery(backtestQueryOptions(id));
  const set = (key: keyof Variant) => (e: { target: { value: string } }) => setVariant({ ...variant, [key]: e.target.value });
  const toggle = (market: string) => setVariant({
    ...variant, markets: variant.markets.includes(market) ? variant.markets.filter((m) => m !== market) : [...variant.markets, market],
  });
  const data = backtest.data;
  const ran = data?.status === "DONE" ? (data.params as { from: string; to: string; markets: string[] }) : null;
  const live = useQuery(whatIfLiveQueryOptions(ran ? liveQuery({ start: ran.from, end: ran.to, markets: ran.markets }) : null));
  return (
    <section className="whatif" aria-label="What if">
      <h3>What if</h3>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); run.mutate(variantBody(variant)); }}>
        <label>From <input type="date" value={variant.start} onChange={set("start")} /></label>
        <label>To <input type="date" value={variant.end} onChange={set("end")} /></label>
        <label>Target $ <input type="number" min="1" value={variant.profit} onChange={set("profit")} name="profit" /></label>
        <label>Stop $ <input type="number" min="1" value={variant.stop} onChange={set("stop")} name="stop" /></label>
        <label>Window min <input type="number" min="0" value={variant.window} onChange={set("window")} name="window" /></label>
        <label>Trades of <select name="future" value={variant.future ?? "TOTAL"} onChange={set("future")}>
          {FUTURES.map((f) => <option key={f} value={f}>{f === "all" ? "every future" : f}</option>)}
        </select></label>
        <fieldset><legend>Markets (none = all capturing)</legend>
          {CAPTURING.map((m) => (
            <label key={m}><input type="checkbox" checked={variant.markets.includes(m)} onChange={() => toggle(m)} /> {m}</label>
          ))}
        </fieldset>
        <button type="submit" disabled={run.isPending || (data !== undefined && ["QUEUED", "RUNNING"].includes(data.status))}>Run backtest</button>
      </form>
      {run.error && <p className="error" role="alert">{String(run.error)}</p>}
      {data && data.status !== "DONE" && data.status !== "FAILED" && (
        <p className="progress" role="status">Backtest {data.status.toLowerCase()}: {fmt(data.progress, 0)}% of the opens</p>
      )}
      {data?.status === "FAILED" && <p className="error" role="alert">Backtest failed: {data.error}</p>}
      {data?.status === "DONE" && data.result && (
        <>
          <p className="headline" role="status">
            What if: {data.result.stats.overall.trades} trades over {String(data.result.params.opens)} opens
            ({String(data.result.params.ticks)} ticks{data.result.params.bars ? `, ${String(data.result.params.bars)} bars` : ""}), hit rate {fmt(data.result.stats.overall.hit_rate)}%, EV
            ${fmt(data.result.stats.overall.expected_value)}
            {data.result.net && ` (net of commissions and slippage $${fmt(data.result.net.overall.expected_value)})`},
            total ${fmt(data.result.stats.overall.total_pnl)}
            {" "}— trades of {String(data.result.params.future ?? "TOTAL")}
          </p>
          <DataSource params={data.result.params as DataParams} />
          <Comparison live={live.data} test={data.result.stats} />
          <p className="note">Live captures: the same dates{ran && ran.markets.length === 1 ? ` and market (${ran.markets[0]})` : ""}.</p>
        </>
      )}
    </section>
  );
}
