import { useState } from "react";
import { useMarkets } from "../../features/markets/api/markets";
import { useQuotes } from "../../features/quotes/api/quotes";
import { useAccounts, useCancelAll, useCancelOrder, useFlatten, useOrders, usePositions, type Order } from "../../features/trade/api/trade";
import { OrderTicket } from "../../features/trade/components/OrderTicket";
import { AutoTradeForm, StatementPanel } from "../../features/trade/components/Statement";
import { fmt } from "../../shared/format";
import { useLivePollInterval } from "../../shared/live";
import { usePriceFormat } from "../../shared/price-format";
import { When } from "../../shared/ui/When";

/** One working order: side, size, type, its prices, its bracket role, its time in force, Cancel. */
function OrderLine({ order: o, px, onCancel }: { order: Order; px: (v: number | null | undefined, s: string) => string; onCancel: () => void }) {
  return (
    <>
      {o.bracket_role && o.bracket_role !== "ENTRY" && <strong>{o.bracket_role.replace("_", " ").toLowerCase()}: </strong>}
      {o.side} {o.quantity} {o.symbol} {o.order_type}
      {o.stop_price !== null && o.stop_price !== undefined && <> stop <span className="mono">{px(o.stop_price, o.symbol)}</span></>}
      {o.limit_price !== null && o.limit_price !== undefined && <> limit <span className="mono">{px(o.limit_price, o.symbol)}</span></>}
      {" "}<small>{o.time_in_force} · {o.status.toLowerCase()}{o.bracket_role && o.bracket_role !== "ENTRY" ? (o.status === "PENDING" ? ", waits for its entry, one-cancels-other" : ", one-cancels-other") : ""}</small>
      {" "}<button type="button" onClick={onCancel}>Cancel</button>
    </>
  );
}

export function Trade() {
  const px = usePriceFormat();
  const every = useLivePollInterval(2000, 10000);
  const accounts = useAccounts(every);
  const account = accounts.data?.[0];
  const positions = usePositions(account?.id, every);
  const orders = useOrders(every);
  const quotes = useQuotes(every);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // The control markets with capture on, east to west, for the auto-trade form.
  const capturing = (useMarkets(false).data ?? []).filter((m) => m.enable_futures_capture).map((m) => m.country);
  const fail = (error: Error) => setMessage({ ok: false, text: error.message });
  const cancel = useCancelOrder({ onError: fail });
  const cancelAll = useCancelAll({
    onSuccess: (result) => setMessage({ ok: true, text: `Cancelled ${result.canceled.length} order(s)` }),
    onError: fail,
  });
  const flatten = useFlatten({
    onSuccess: (result) => setMessage({
      ok: true,
      text: `Flattened ${result.order.symbol}: ${result.order.side} ${result.order.quantity} filled at ${px(result.order.fill_price, result.order.symbol)}; cancelled ${result.canceled.length} order(s)`,
    }),
    onError: fail,
  });
  // Working orders and the bracket legs still waiting for their entry, each leg under its entry.
  const open = (orders.data ?? []).filter((o) => o.status === "WORKING" || o.status === "PENDING");
  const entries = open.filter((o) => o.parent === null || !open.some((p) => p.id === o.parent));
  return (
    <section className="trade-page">
      <h2>Paper trading</h2>
      {account && (
        <dl className="account" aria-label="Account summary">
          <dt>Account</dt><dd>{account.name} #{account.id} · {account.kind}</dd>
          <dt>Cash</dt><dd className="mono">${fmt(account.cash)}</dd>
          <dt>Net liq</dt><dd className="mono">${fmt(account.net_liq)}</dd>
          <dt>Buying power</dt><dd className="mono">${fmt(account.buying_power)}</dd>
          {account.kind === "FUTURES" && <><dt>Margin in use</dt><dd className="mono">${fmt(account.margin_in_use)}</dd>
            <dt>Maintenance</dt><dd className="mono">${fmt(account.maintenance_margin)}</dd></>}
          {account.margin_call && <><dt>Margin call</dt><dd className="warn" role="alert">net liq below maintenance margin</dd></>}
          <dt>Realised P&amp;L</dt><dd className="mono">${fmt(account.realized_pnl)}</dd>
        </dl>
      )}
      <OrderTicket account={account} quotes={quotes.data?.rows ?? []} positions={positions.data ?? []} onMessage={setMessage} />
      {message && <p className={message.ok ? "ok" : "error"} role="status">{message.text}</p>}
      <table aria-label="Positions">
        <thead><tr><th>Symbol</th><th>Qty</th><th>Avg price</th><th>Mark</th><th>Market value</th><th>Unrealised P&amp;L</th><th /></tr></thead>
        <tbody>
          {(positions.data ?? []).map((p) => (
            <tr key={p.symbol}>
              <td>{p.symbol}</td><td>{p.quantity}</td><td className="mono">{px(p.average_price, p.symbol)}</td>
              <td className="mono">{px(p.mark, p.symbol)}</td><td className="mono">${fmt(p.market_value)}</td>
              <td className={`mono ${p.unrealized_pnl >= 0 ? "up" : "down"}`}>${fmt(p.unrealized_pnl)}</td>
              <td><button type="button" aria-label={`Flatten ${p.symbol}`} disabled={!account || flatten.isPending}
                          onClick={() => account && flatten.mutate({ account: account.id, symbol: p.symbol })}>Flatten</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Active orders {open.length > 0 && account && (
        <button type="button" onClick={() => cancelAll.mutate(account.id)} disabled={cancelAll.isPending}>Cancel all</button>
      )}</h3>
      {open.length === 0 ? <p>No working orders.</p> : (
        <ul className="active-orders" aria-label="Active orders">{entries.map((o) => (
          <li key={o.id} data-order={o.id}>
            <OrderLine order={o} px={px} onCancel={() => cancel.mutate(o.id)} />
            {open.some((leg) => leg.parent === o.id) && (
              <ul aria-label={`Bracket of order ${o.id}`}>{open.filter((leg) => leg.parent === o.id).map((leg) => (
                <li key={leg.id} data-order={leg.id}><OrderLine order={leg} px={px} onCancel={() => cancel.mutate(leg.id)} /></li>
              ))}</ul>
            )}
          </li>
        ))}</ul>
      )}
      <h3>Recent orders</h3>
      <table aria-label="Orders">
        <thead><tr><th>Time</th><th>Order</th><th>Status</th><th>Fill</th><th>Reason</th></tr></thead>
        <tbody>
          {(orders.data ?? []).slice(0, 20).map((o) => (
            <tr key={o.id}>
              <td><When at={o.created_at} /></td>
              <td>{o.side} {o.quantity} {o.symbol} {o.order_type}</td><td>{o.status}</td>
              <td className="mono">{px(o.fill_price, o.symbol)}</td><td>{o.reject_reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {account && <StatementPanel accountId={account.id} />}
      {account && <AutoTradeForm key={account.id} account={account} capturing={capturing} />}
    </section>
  );
}
