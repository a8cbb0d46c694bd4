// Research (issue 26): sweep targets, stops and windows over the archive, read net EV as a heat map,
// check the walk-forward choice out of sample and the probability of backtest overfitting, follow the
// chosen variant's equity, and run it as a What if. Sweeps are kept, so they can be compared.
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { backtestQueryOptions, useRunBacktest } from "../../features/history/api/backtests";
import { HeatMap } from "../../features/research/components/HeatMap";
import {
  netFor, sweepQueryOptions, sweepsQueryOptions, useCancelSweep, useStartSweep, variantLabel, type Sweep, type SweepVariant,
} from "../../features/research/api/sweeps";
import { fmt } from "../../shared/format";
import { MARKETS } from "../../shared/filters/filters";

const FUTURES = ["TOTAL", "all", "YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB"];

function numbers(text: string): number[] {
  return text.split(",").map((p) => p.trim()).filter(Boolean).map(Number);
}

function Form({ onStarted }: { onStarted: (sweep: Sweep) => void }) {
  const [form, setForm] = useState({ start: "", end: "", market: "", future: "TOTAL", targets: "25,50,100", stops: "25,50,100",
    windows: "", train: "", test: "" });
  const start = useStartSweep(onStarted);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = () => {
    const body: Record<string, unknown> = {
      start: form.start, end: form.end, future: form.future, target_mode: "USD",
      profit_targets: numbers(form.targets), stop_losses: numbers(form.stops),
    };
    if (form.market) body.markets = [form.market];
    if (form.windows.trim()) body.window_minutes = numbers(form.windows);
    if (form.train && form.test) body.walk_forward = [Number(form.train), Number(form.test)];
    start.mutate(body);
  };
  return (
    <form className="filters research-form" aria-label="Sweep" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <label>From <input type="date" name="start" required value={form.start} onChange={set("start")} /></label>
      <label>To <input type="date" name="end" required value={form.end} onChange={set("end")} /></label>
      <label>Market <select name="market" value={form.market} onChange={set("market")}>
        <option value="">markets with capture on</option>{MARKETS.map((m) => <option key={m}>{m}</option>)}</select></label>
      <label>Trades of <select name="future" value={form.future} onChange={set("future")}>
        {FUTURES.map((f) => <option key={f} value={f}>{f === "all" ? "every future" : f}</option>)}</select></label>
      <label>Targets $ <input name="targets" value={form.targets} onChange={set("targets")} /></label>
      <label>Stops $ <input name="stops" value={form.stops} onChange={set("stops")} /></label>
      <label>Windows min <input name="windows" placeholder="each market's" value={form.windows} onChange={set("windows")} /></label>
      <label>Walk-forward train days <input name="train" type="number" min="1" value={form.train} onChange={set("train")} /></label>
      <label>test days <input name="test" type="number" min="1" value={form.test} onChange={set("test")} /></label>
      <button type="submit" disabled={start.isPending}>Run sweep</button>
      {start.error && <span className="error" role="alert">{String(start.error)}</span>}
    </form>
  );
}

function Equity({ variant }: { variant: SweepVariant }) {
  const data = useMemo(
    () => variant.net.pnl_by_day.map((d) => ({ date: d.date, pnl: d.cumulative_pnl })),
    [variant],
  );
  return (
    <figure className="chart" aria-label="Equity of the chosen variant">
      <figcaption>Cumulative net P&amp;L of {variantLabel(variant)} (USD)</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" fontSize={11} minTickGap={40} />
          <YAxis />
          <Tooltip />
          <Line type="monotone" dataKey="pnl" stroke="#1565c0" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function WhatIf({ sweep, variant }: { sweep: Sweep; variant: SweepVariant }) {
  const [id, setId] = useState<number | null>(null);
  const run = useRunBacktest((accepted) => setId(accepted.id));
  const backtest = useQuery(backtestQueryOptions(id));
  const params = sweep.result?.params ?? {};
  const body = {
    start: params.from, end: params.to, markets: params.markets, future: params.future,
    target_mode: variant.target_mode, profit_target: variant.profit_target, stop_loss: variant.stop_loss,
    ...(variant.window_minutes !== null ? { window_minutes: variant.window_minutes } : {}),
  };
  const done = backtest.data?.status === "DONE" ? backtest.data.result?.stats.overall : undefined;
  return (
    <div className="research-whatif">
      <button type="button" onClick={() => run.mutate(body)} disabled={run.isPending}>Run {variantLabel(variant)} as a What if</button>
      {backtest.data && backtest.data.status !== "DONE" && <span role="status"> What if {backtest.data.status.toLowerCase()}…</span>}
      {done && (
        <p role="status" className="headline">
          What if: {done.trades} trades, hit rate {fmt(done.hit_rate)}%, EV ${fmt(done.expected_value)}, total ${fmt(done.total_pnl)} (gross,
          as History's What if shows it)
        </p>
      )}
    </div>
  );
}

function Results({ sweep }: { sweep: Sweep }) {
  const result = sweep.result;
  const [market, setMarket] = useState<string | null>(null);
  const windows = Array.from(new Set((result?.variants ?? []).map((v) => v.window_minutes)));
  const [window, setWindow] = useState<number | null>(windows[0] ?? null);
  const [chosen, setChosen] = useState<number | null>(null);
  if (!result) return null;
  const markets = Array.from(new Set(result.variants.flatMap((v) => v.net.by_market.map((g) => g.key ?? ""))));
  const best = result.variants
    .map((v, i) => ({ i, ev: netFor(v, market)?.expected_value ?? null }))
    .filter((x) => x.ev !== null && result.variants[x.i].window_minutes === window)
    .sort((a, b) => (b.ev ?? 0) - (a.ev ?? 0))[0]?.i ?? null;
  const picked = chosen ?? best;
  const wf = result.walk_forward;
  return (
    <section className="research-result" aria-label="Sweep result">
      <p className="headline">
        {result.variants.length} variants over {String(result.params.opens)} opens ({String(result.params.from)} … {String(result.params.to)},
        {" "}{(result.params.markets as string[]).join(", ")}; trades of {String(result.params.future)}), net of commissions and slippage.
        {" "}Probability of backtest overfitting: <strong data-figure="pbo">{result.pbo.pbo === null ? "— (too few days)" : fmt(result.pbo.pbo * 100, 1) + "%"}</strong>
        {result.pbo.pbo !== null && ` (${result.pbo.combinations} CSCV splits of ${result.pbo.periods} days)`}
      </p>
      <div className="toolbar">
        <label>Market <select aria-label="Heat map market" value={market ?? ""} onChange={(e) => setMarket(e.target.value || null)}>
          <option value="">all markets</option>{markets.map((m) => <option key={m}>{m}</option>)}</select></label>
        <label>Window <select aria-label="Heat map window" value={window === null ? "" : String(window)}
                              onChange={(e) => setWindow(e.target.value === "" ? null : Number(e.target.value))}>
          {windows.map((w) => <option key={String(w)} value={w === null ? "" : String(w)}>{w === null ? "each market's" : w === 0 ? "none" : `${w} min`}</option>)}</select></label>
      </div>
      <HeatMap variants={result.variants} market={market} window={window} chosen={picked} onChoose={setChosen} />
      {picked !== null && (
        <>
          <p>Chosen: <strong>{variantLabel(result.variants[picked])}</strong>{chosen === null ? " (best net EV in the map)" : ""} — net EV
            ${fmt(netFor(result.variants[picked], market)?.expected_value)}, gross ${fmt(result.variants[picked].stats.overall.expected_value)}</p>
          <Equity variant={result.variants[picked]} />
          <WhatIf sweep={sweep} variant={result.variants[picked]} />
        </>
      )}
      <h3>Walk-forward</h3>
      {!wf ? <p>Give train and test days to walk forward.</p> : (
        <>
          <p>Train {wf.train_days} trading days, test the next {wf.test_days}: in-sample EV <strong data-figure="is-ev">${fmt(wf.in_sample_ev)}</strong>,
            out-of-sample EV <strong data-figure="oos-ev">${fmt(wf.out_of_sample_ev)}</strong> (net, per trade)</p>
          <table aria-label="Walk-forward">
            <thead><tr><th>Market</th><th>Trained on</th><th>Tested on</th><th>Chosen variant</th><th>In-sample EV (n)</th><th>Out-of-sample EV (n)</th></tr></thead>
            <tbody>
              {wf.folds.length === 0 && <tr><td colSpan={6}>No span had enough trades to choose from.</td></tr>}
              {wf.folds.map((f) => (
                <tr key={`${f.market}-${f.train_from}`}>
                  <td>{f.market}</td><td className="mono">{f.train_from} … {f.train_to}</td><td className="mono">{f.test_from} … {f.test_to}</td>
                  <td>{variantLabel(result.variants[f.variant])}</td>
                  <td className="mono">${fmt(f.in_sample_ev)} ({f.in_sample_n})</td><td className="mono">${fmt(f.out_of_sample_ev)} ({f.out_of_sample_n})</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function Research() {
  const [id, setId] = useState<number | null>(null);
  const sweep = useQuery(sweepQueryOptions(id));
  const kept = useQuery({ ...sweepsQueryOptions(), refetchInterval: 5000 });
  const cancel = useCancelSweep();
  const data = sweep.data;
  return (
    <section className="research">
      <h2>Research</h2>
      <Form onStarted={(s) => setId(s.id)} />
      {data && (data.status === "QUEUED" || data.status === "RUNNING") && (
        <p role="status" className="progress">
          Sweep {data.status.toLowerCase()}: <progress max={100} value={data.progress} /> {fmt(data.progress, 0)}% of the opens{" "}
          <button type="button" onClick={() => cancel.mutate(data.id)}>Cancel</button>
        </p>
      )}
      {data && (data.status === "FAILED" || data.status === "CANCELLED") && <p className="error" role="alert">Sweep {data.status.toLowerCase()}: {data.error}</p>}
      {data?.status === "DONE" && <Results key={data.id} sweep={data} />}
      <h3>Kept sweeps</h3>
      <ul aria-label="Kept sweeps">
        {(kept.data ?? []).map((s) => (
          <li key={s.id}>
            <button type="button" onClick={() => setId(s.id)} aria-current={s.id === id}>
              #{s.id} {String(s.params.from)} … {String(s.params.to)} · {(s.params.cells as unknown[] | undefined)?.length ?? 0} variants · {s.status}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
