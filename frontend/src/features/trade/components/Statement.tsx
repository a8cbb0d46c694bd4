import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { fmt } from "../../../shared/format";
import { useLivePollInterval } from "../../../shared/live";
import { useSaveAutoTrade, useStatement } from "../api/trade";

/** The account's statement: equity curve, realised P&L by day, the ledger and a CSV download (USD, UTC). */
export function StatementPanel({ accountId }: { accountId: number }) {
  const every = useLivePollInterval(5000, 20000);
  const statement = useStatement(accountId, every);
  const data = statement.data;
  const curve = [
    ...(data?.equity_curve ?? []).map((p) => ({ at: p.at.slice(0, 16).replace("T", " "), equity: p.equity })),
    ...(data ? [{ at: "now (net liq)", equity: data.net_liq }] : []),
  ];
  return (
    <section className="statement" aria-label="Statement">
      <h3>Statement</h3>
      {data && (
        <p className="mono">
          Realised P&amp;L ${fmt(data.realized_pnl)} · commissions ${fmt(data.commission)} · net liq ${fmt(data.net_liq)}{" "}
          <a href={`/api/trades/statements/export?account=${accountId}`} download>Download CSV</a>
        </p>
      )}
      <div className="charts">
        <figure aria-label="Equity curve">
          <figcaption>Equity (closed trades, then net liq now)</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={curve}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="at" fontSize={11} minTickGap={40} />
              <YAxis domain={["auto", "auto"]} width={80} />
              <Tooltip />
              <Line type="stepAfter" dataKey="equity" stroke="#1565c0" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure aria-label="Realised P&L by day">
          <figcaption>Realised P&amp;L by day, after commissions</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={data?.pnl_by_day ?? []}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="date" fontSize={11} />
              <YAxis width={80} />
              <Tooltip />
              <Bar dataKey="net_pnl" name="net P&L $" fill="#1b873f" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>
      <table aria-label="Ledger">
        <thead><tr><th>Time (UTC)</th><th>Entry</th><th>Cash</th><th>Realised</th><th>Commission</th><th>Equity</th></tr></thead>
        <tbody>
          {[...(data?.cash_movements ?? [])].reverse().slice(0, 50).map((e) => (
            <tr key={e.id}>
              <td className="mono">{e.created_at.slice(0, 19).replace("T", " ")}</td><td>{e.reason}</td>
              <td className={`mono ${e.cash_delta >= 0 ? "up" : "down"}`}>${fmt(e.cash_delta)}</td>
              <td className="mono">${fmt(e.realized_pnl)}</td><td className="mono">${fmt(e.commission)}</td>
              <td className="mono">${fmt(e.equity)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** "Auto-trade market opens": the markets whose every capture the account trades by itself.
 *  `capturing`: the markets with futures capture on, east to west (the page reads them). */
export function AutoTradeForm({ account, capturing }: {
  account: { id: number; auto_trade_markets: string[]; auto_trade_quantity: number }; capturing: string[];
}) {
  const [markets, setMarkets] = useState<string[]>(account.auto_trade_markets);
  const [quantity, setQuantity] = useState(String(account.auto_trade_quantity));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = useSaveAutoTrade(account.id, {
    onSuccess: () => setMessage({ ok: true, text: markets.length ? `Auto-trading ${markets.join(", ")}` : "Auto-trade off" }),
    onError: (error) => setMessage({ ok: false, text: error.message }),
  });
  const toggle = (m: string) => setMarkets(markets.includes(m) ? markets.filter((x) => x !== m) : [...markets, m]);
  return (
    <form className="auto-trade" aria-label="Auto-trade market opens" onSubmit={(e) => { e.preventDefault(); save.mutate({ markets, quantity: Number(quantity) }); }}>
      <h3>Auto-trade market opens</h3>
      <p>At each capture of these markets, trade the composite's YM trade as a bracket with its target and stop.</p>
      {capturing.map((m) => (
        <label key={m}><input type="checkbox" name={m} checked={markets.includes(m)} onChange={() => toggle(m)} /> {m}</label>
      ))}
      <label>Contracts <input name="auto_quantity" type="number" min={1} max={100} value={quantity} onChange={(e) => setQuantity(e.target.value)} /></label>
      <button type="submit" disabled={save.isPending}>Save auto-trade</button>
      {message && <small role="status" className={message.ok ? "ok" : "warn"}>{message.text}</small>}
    </form>
  );
}
