// The order ticket (issue 25): MKT, LMT, STP and STP_LMT with the prices each needs, DAY or GTC, an
// optional bracket (take profit and stop loss as prices, or as ticks or USD from the entry), and a
// preview of the margin the order needs and the buying power it leaves, before it is sent.
// Enter sends; Esc clears.
import { useState, type FormEvent, type KeyboardEvent } from "react";
import type { Account, Position, QuoteRow } from "../../../shared/api/types";
import { fmt } from "../../../shared/format";
import { usePriceFormat } from "../../../shared/price-format";
import { useMargins, usePlaceOrder, type Ticket } from "../api/trade";
import { bracketPrices, contractsOpened, entryReference, needs, type BracketMode, type OrderType } from "../ticket";

const BLANK = {
  side: "BUY", quantity: "1", order_type: "MKT" as OrderType, limit_price: "", stop_price: "", time_in_force: "DAY",
  bracket: false, mode: "ticks" as BracketMode, take_profit: "", stop_loss: "",
};

export function OrderTicket({ account, quotes, positions, onMessage }: {
  account: Account | undefined; quotes: QuoteRow[]; positions: Position[];
  onMessage: (message: { ok: boolean; text: string } | null) => void;
}) {
  const px = usePriceFormat();
  const [symbol, setSymbol] = useState("CL");
  const [ticket, setTicket] = useState(BLANK);
  const margins = useMargins();
  const place = usePlaceOrder({
    onSuccess: (order) => {
      onMessage({
        ok: true,
        text: order.status === "FILLED"
          ? `${order.side} ${order.quantity} ${order.symbol} filled at ${px(order.fill_price, order.symbol)}`
          : `${order.side} ${order.quantity} ${order.symbol} ${order.order_type} is ${order.status.toLowerCase()}`,
      });
      setTicket({ ...BLANK, side: ticket.side, order_type: ticket.order_type, time_in_force: ticket.time_in_force });
    },
    onError: (error) => onMessage({ ok: false, text: error.message }),
  });
  const quote = quotes.find((r) => r.symbol === symbol);
  const instrument = quote?.instrument;
  const want = needs(ticket.order_type);
  const quantity = Math.max(0, Math.floor(Number(ticket.quantity) || 0));
  const entry = entryReference(ticket.order_type, ticket.side,
    { limit: Number(ticket.limit_price) || undefined, stop: Number(ticket.stop_price) || undefined }, quote);
  const legs = ticket.bracket && instrument
    ? bracketPrices(ticket.mode, ticket.side, entry, Number(ticket.take_profit), Number(ticket.stop_loss), instrument)
    : null;
  const margin = margins.data?.find((m) => m.symbol === symbol);
  const held = positions.find((p) => p.symbol === symbol)?.quantity ?? 0;
  const opened = contractsOpened(ticket.side, quantity, held);
  const needed = account?.kind === "FUTURES" && margin ? opened * Number(margin.initial_margin) : null;
  const set = (key: keyof typeof BLANK) => (e: { target: { value: string } }) => setTicket({ ...ticket, [key]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onMessage(null);
    if (!account) return;
    if (ticket.bracket && !legs) {
      onMessage({ ok: false, text: "bracket: give the take profit and the stop loss (and a price to measure them from)" });
      return;
    }
    const order: Ticket = {
      account: account.id, symbol, side: ticket.side, quantity, order_type: ticket.order_type,
      time_in_force: ticket.time_in_force,
      ...(want.limit ? { limit_price: ticket.limit_price } : {}),
      ...(want.stop ? { stop_price: ticket.stop_price } : {}),
      ...(legs ? { take_profit_price: String(legs.takeProfit), stop_loss_price: String(legs.stopLoss) } : {}),
    };
    place.mutate(order);
  };
  const clear = (e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    setTicket(BLANK);
    onMessage(null);
  };
  return (
    <form className="ticket" aria-label="Order ticket" onSubmit={submit} onKeyDown={clear}>
      <label>Symbol <select name="symbol" value={symbol} onChange={(e) => setSymbol(e.target.value)}>
        {quotes.map((r) => <option key={r.symbol}>{r.symbol}</option>)}</select></label>
      <label>Side <select name="side" value={ticket.side} onChange={set("side")}><option>BUY</option><option>SELL</option></select></label>
      <label>Quantity <input name="quantity" type="number" min={1} step={1} value={ticket.quantity} onChange={set("quantity")} /></label>
      <label>Type <select name="order_type" value={ticket.order_type} onChange={set("order_type")}>
        <option value="MKT">MKT (market)</option><option value="LMT">LMT (limit)</option>
        <option value="STP">STP (stop)</option><option value="STP_LMT">STP_LMT (stop limit)</option></select></label>
      {want.stop && <label>Stop <input name="stop_price" inputMode="decimal" required value={ticket.stop_price} onChange={set("stop_price")} /></label>}
      {want.limit && <label>Limit <input name="limit_price" inputMode="decimal" required value={ticket.limit_price} onChange={set("limit_price")} /></label>}
      <label>Time in force <select name="time_in_force" value={ticket.time_in_force} onChange={set("time_in_force")}>
        <option value="DAY">DAY (to the CME day's end)</option><option value="GTC">GTC (until cancelled)</option></select></label>
      <fieldset className="bracket">
        <legend><label><input type="checkbox" name="bracket" checked={ticket.bracket}
          onChange={(e) => setTicket({ ...ticket, bracket: e.target.checked })} /> Bracket (take profit + stop loss, one-cancels-other)</label></legend>
        {ticket.bracket && (
          <>
            <label>Legs in <select name="bracket_mode" value={ticket.mode} onChange={set("mode")}>
              <option value="ticks">ticks from entry</option><option value="usd">USD per contract from entry</option>
              <option value="price">prices</option></select></label>
            <label>Take profit <input name="take_profit" inputMode="decimal" value={ticket.take_profit} onChange={set("take_profit")} /></label>
            <label>Stop loss <input name="stop_loss" inputMode="decimal" value={ticket.stop_loss} onChange={set("stop_loss")} /></label>
            <span className="mono legs" data-legs>{legs
              ? `take profit ${px(legs.takeProfit, symbol)} · stop loss ${px(legs.stopLoss, symbol)}`
              : "legs: —"}</span>
          </>
        )}
      </fieldset>
      <span className="mono quote">{quote ? `bid ${px(quote.bid, symbol)} · ask ${px(quote.ask, symbol)} · last ${px(quote.last, symbol)}` : "no quote"}</span>
      <p className="preview mono" aria-label="Margin preview">
        {needed !== null && margin
          ? `Needs $${fmt(needed)} initial margin (${opened} × $${fmt(Number(margin.initial_margin))}); buying power after $${fmt(account!.buying_power - needed)}`
          : account?.kind === "CASH" && entry !== null && instrument
            ? `Costs about $${fmt(entry * quantity * (instrument.tick_value / instrument.tick_size))}; cash $${fmt(account.cash)}`
            : "Margin: —"}
        {needed !== null && account && needed > account.buying_power && <strong className="warn"> — more than the buying power: it would be refused</strong>}
      </p>
      <button type="submit" disabled={!account || place.isPending || quantity < 1}>Place order</button>
      <small>Enter sends · Esc clears</small>
    </form>
  );
}
