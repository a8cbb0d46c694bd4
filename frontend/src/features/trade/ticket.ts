// The order ticket's arithmetic (issue 25), pure: which prices an order type needs, a bracket's take
// profit and stop loss from a distance in price, ticks or USD, and the margin an order needs.

export type OrderType = "MKT" | "LMT" | "STP" | "STP_LMT";
export type BracketMode = "price" | "ticks" | "usd";

/** The price fields an order type needs (the engine refuses the order without them). */
export function needs(type: OrderType): { limit: boolean; stop: boolean } {
  return { limit: type === "LMT" || type === "STP_LMT", stop: type === "STP" || type === "STP_LMT" };
}

/** Where the order is expected to fill, the bracket's reference: the limit, else the stop, else
 *  the side of the book a market order takes (ask to buy, bid to sell; last without them). */
export function entryReference(
  type: OrderType, side: string, prices: { limit?: number; stop?: number },
  quote: { bid: number | null; ask: number | null; last: number | null } | undefined,
): number | null {
  if (needs(type).limit && prices.limit) return prices.limit;
  if (needs(type).stop && prices.stop) return prices.stop;
  if (!quote) return null;
  return (side === "BUY" ? quote.ask : quote.bid) ?? quote.last;
}

/** Round ``price`` to the instrument's tick (a price between ticks cannot trade). */
export function toTick(price: number, tickSize: number): number {
  const ticks = Math.round(price / tickSize);
  return Number((ticks * tickSize).toFixed(10));
}

/** A bracket's take profit and stop loss prices: given as prices (``mode`` price), or as distances
 *  from ``entry`` in ticks or in USD per contract (``tickValue`` USD a tick; a distance in USD is
 *  rounded up to whole ticks, so a $25 stop on a $12.50-tick contract is 2 ticks). A BUY takes
 *  profit above its entry and stops below; a SELL the other way. Null when a value is missing. */
export function bracketPrices(
  mode: BracketMode, side: string, entry: number | null, takeProfit: number, stopLoss: number,
  instrument: { tick_size: number; tick_value: number },
): { takeProfit: number; stopLoss: number } | null {
  if (!Number.isFinite(takeProfit) || !Number.isFinite(stopLoss) || takeProfit <= 0 || stopLoss <= 0) return null;
  if (mode === "price") return { takeProfit, stopLoss };
  if (entry === null) return null;
  const ticks = (value: number) => (mode === "ticks" ? Math.round(value) : Math.ceil(value / instrument.tick_value - 1e-9));
  const up = side === "BUY" ? 1 : -1;
  return {
    takeProfit: toTick(entry + up * ticks(takeProfit) * instrument.tick_size, instrument.tick_size),
    stopLoss: toTick(entry - up * ticks(stopLoss) * instrument.tick_size, instrument.tick_size),
  };
}

/** The contracts an order opens (USD margin is needed for those only): buying 3 against a short
 *  of 2 closes 2 and opens 1 long; buying 1 on a long of 2 opens 1. */
export function contractsOpened(side: string, quantity: number, position: number): number {
  const after = position + (side === "BUY" ? quantity : -quantity);
  if (after === 0) return 0;
  if (position === 0 || Math.sign(after) === Math.sign(position)) return Math.max(0, Math.abs(after) - Math.abs(position));
  return Math.abs(after); // flipped: the new side is all opened
}
