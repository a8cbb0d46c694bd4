import { useState, type FormEvent } from "react";
import { useMarkets } from "../../features/markets/api/markets";
import { useQuotes } from "../../features/quotes/api/quotes";
import { useAccounts, useCancelOrder, useOrders, usePlaceOrder, usePositions } from "../../features/trade/api/trade";
import { AutoTradeForm, StatementPanel } from "../../features/trade/components/Statement";
import { fmt } from "../../shared/format";
import { useLivePollInterval } from "../../shared/live";
import { usePriceFormat } from "../../shared/price-format";

export function Trade() {
  const px = usePriceFormat();
  const every = useLivePollInterval(2000, 10000);
  const accounts = useAccounts(every);
  const account = accounts.data?.[0];
  const positions = usePositions(account?.id, every);
  const orders = useOrders(every);
  const quotes = useQuotes(every);
  const [ticket, setTicket] = useState({ symbol: "CL", side: "BUY", quantity: "1", order_type: "MKT", limit_price: "" });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // The control markets with capture on, east to west, for the auto-trade form.
  const capturing = (useMarkets(false).data ?? []).filter((m) => m.enable_futures_capture).map((m) => m.country);
  const place = usePlaceOrder({
    onSuccess: (order) => setMessage({
      ok: true,
      text: order.status === "FILLED"
        ? `${order.side} ${order.quantity} ${order.symbol} filled at ${px(order.fill_price, order.symbol)}`
        : `${order.side} ${order.quantity} ${order.symbol} ${order.order_type} is ${order.status.toLowerCase()}`,
    }),
    onError: (error) => setMessage({ ok: false, text: error.message }),
  });
  const cancel = useCancelOrder({ onError: (error) => setMessage({ ok: false, text: error.message }) });
  const quote = quotes.data?.rows.find((r) => r.symbol === ticket.symbol);
  const set = (key: keyof typeof ticket) => (e: { target: { value: string } }) => setTicket({ ...ticket, [key]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    if (!account) return;
    place.mutate({
      account: account.id, symbol: ticket.symbol, side: ticket.side, quantity: Number(ticket.quantity),
      order_type: ticket.order_type, limit_price: ticket.limit_price || undefined,
    });
  };
  const working = (orders.data ?? []).filter((o) => o.status === "WORKING");
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
      <form className="ticket" aria-label="Order ticket" onSubmit={submit}>
        <label>Symbol <select name="symbol" value={ticket.symbol} onChange={set("symbol")}>
          {(quotes.data?.rows ?? []).map((r) => <option key={r.symbol}>{r.symbol}</option>)}</select></label>
        <label>Side <select name="side" value={ticket.side} onChange={set("side")}><option>BUY</option><option>SELL</option></select></label>
        <label>Quantity <input name="quantity" type="number" min={1} value={ticket.quantity} onChange={set("quantity")} /></label>
        <label>Type <select name="order_type" value={ticket.order_type} onChange={set("order_type")}>
          <option>MKT</option><option>LMT</option><option>STP_LMT</option></select></label>
        {ticket.order_type !== "MKT" && <label>Limit <input name="limit_price" value={ticket.limit_price} onChange={set("limit_price")} /></label>}
        <span className="mono quote">{quote ? `bid ${px(quote.bid, quote.symbol)} · ask ${px(quote.ask, quote.symbol)} · last ${px(quote.last, quote.symbol)}` : "no quote"}</span>
        <button type="submit" disabled={!account || place.isPending}>Place order</button>
      </form>
      {message && <p className={message.ok ? "ok" : "error"} role="status">{message.text}</p>}
      <table aria-label="Positions">
        <thead><tr><th>Symbol</th><th>Qty</th><th>Avg price</th><th>Mark</th><th>Market value</th><th>Unrealised P&amp;L</th></tr></thead>
        <tbody>
          {(positions.data ?? []).map((p) => (
            <tr key={p.symbol}>
              <td>{p.symbol}</td><td>{p.quantity}</td><td className="mono">{px(p.average_price, p.symbol)}</td>
              <td className="mono">{px(p.mark, p.symbol)}</td><td className="mono">${fmt(p.market_value)}</td>
              <td className={`mono ${p.unrealized_pnl >= 0 ? "up" : "down"}`}>${fmt(p.unrealized_pnl)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Active orders</h3>
      {working.length === 0 ? <p>No working orders.</p> : (
        <ul>{working.map((o) => (
          <li key={o.id}>
            {o.side} {o.quantity} {o.symbol} {o.order_type}
            {o.limit_price !== null && <> limit <span className="mono">{px(o.limit_price, o.symbol)}</span></>}
            {o.stop_price !== null && <> stop <span className="mono">{px(o.stop_price, o.symbol)}</span></>}
            {o.bracket_role && o.bracket_role !== "ENTRY" && <small> ({o.bracket_role.replace("_", " ").toLowerCase()}, one-cancels-other)</small>}
            {" "}<button type="button" onClick={() => cancel.mutate(o.id)}>Cancel</button>
          </li>
        ))}</ul>
      )}
      <h3>Recent orders</h3>
      <table aria-label="Orders">
        <thead><tr><th>Time (UTC)</th><th>Order</th><th>Status</th><th>Fill</th><th>Reason</th></tr></thead>
        <tbody>
          {(orders.data ?? []).slice(0, 20).map((o) => (
            <tr key={o.id}>
              <td className="mono">{o.created_at.slice(0, 19).replace("T", " ")}</td>
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
