// A card per future (last, change, bid/ask, ranges, signal, STALE), the TOTAL card and the ribbon.
import { useEffect, useRef, useState } from "react";
import type { QuoteRow, Total } from "../../../shared/api/types";
import { fmt } from "../../../shared/format";
import { formatPrice } from "../../../shared/price";
import { SignalBadge } from "../../../shared/ui/badges";

function RangeBar({ label, low, high, value, format = (v) => fmt(v) }: {
  label: string; low: number | null; high: number | null; value: number | null; format?: (v: number | null) => string;
}) {
  const ok = low !== null && high !== null && value !== null && high > low;
  const position = ok ? Math.min(100, Math.max(0, ((value! - low!) / (high! - low!)) * 100)) : 0;
  return (
    <div className="range" title={`${label}: ${format(low)} – ${format(high)}`}>
      <span className="range-label">{label}</span>
      <span className="range-track">{ok && <span className="range-dot" style={{ left: `${position}%` }} />}</span>
      <span className="range-values mono">{format(low)} – {format(high)}</span>
    </div>
  );
}

/** "blink-up" / "blink-down" for 700 ms after ``value`` rises / falls (the last price's flash). */
function useBlink(value: number | null): string {
  const previous = useRef(value);
  const [blink, setBlink] = useState("");
  useEffect(() => {
    const before = previous.current;
    previous.current = value;
    if (before === null || value === null || before === value) return;
    setBlink(value > before ? "blink-up" : "blink-down");
    const id = window.setTimeout(() => setBlink(""), 700);
    return () => window.clearTimeout(id);
  }, [value]);
  return blink;
}

/** A future's quote card; a click (or Enter) on it opens its intraday chart when `onOpen` is given. */
export function FutureCard({ row, selected = false, onOpen }: { row: QuoteRow; selected?: boolean; onOpen?: () => void }) {
  const px = (value: number | null) => formatPrice(value, row.instrument);
  const up = (row.change ?? 0) >= 0;
  const blink = useBlink(row.last);
  return (
    <article className={`card future ${onOpen ? "clickable" : ""} ${selected ? "selected" : ""}`} data-symbol={row.symbol}
             aria-label={`${row.symbol} card`} onClick={onOpen} tabIndex={onOpen ? 0 : undefined}
             onKeyDown={(e) => { if (onOpen && e.key === "Enter") onOpen(); }} title={onOpen ? `${row.symbol}: open the intraday chart` : undefined}>
      <header>
        <strong>{row.symbol}</strong>
        <small>{row.instrument.name}</small>
        <SignalBadge signal={row.extended_data.signal} />
        {row.stale && <span className="badge stale">STALE</span>}
      </header>
      <div className={`last mono ${blink}`} data-testid="last">{px(row.last)}</div>
      <div className={`change mono ${up ? "up" : "down"}`}>
        {px(row.change)} ({fmt(row.change_percent, 2)}%)
      </div>
      <dl>
        <dt>Bid</dt><dd className="mono">{px(row.bid)} × {row.bid_size ?? "—"}</dd>
        <dt>Ask</dt><dd className="mono">{px(row.ask)} × {row.ask_size ?? "—"}</dd>
        <dt>Spread</dt><dd className="mono">{px(row.spread)}</dd>
        <dt>VWAP</dt><dd className="mono">{px(row.vwap)}</dd>
      </dl>
      <RangeBar label="24h" low={row.low_price} high={row.high_price} value={row.last} format={px} />
      <RangeBar label="52w" low={row.extended_data.low_52w} high={row.extended_data.high_52w} value={row.last} format={px} />
    </article>
  );
}

export function TotalCard({ total }: { total: Total | undefined }) {
  return (
    <article className="card total" aria-label="TOTAL card">
      <header><strong>TOTAL</strong><SignalBadge signal={total?.composite_signal} /></header>
      <dl>
        <dt>Weight sum</dt><dd className="mono">{total ? total.signal_weight_sum : "—"}</dd>
        <dt>Weighted avg</dt><dd className="mono">{fmt(total?.avg_weighted ?? null, 3)}</dd>
        <dt>Signals</dt><dd className="mono">{total?.count ?? 0} of 11</dd>
      </dl>
      {total && total.stale_symbols.length > 0 && <small className="warn">stale: {total.stale_symbols.join(", ")}</small>}
    </article>
  );
}

export function Ribbon({ rows }: { rows: QuoteRow[] }) {
  return (
    <div className="ribbon" aria-label="ribbon">
      {rows.filter((r) => r.instrument.show_in_ribbon !== false).map((r) => (
        <span key={r.symbol} className={(r.change ?? 0) >= 0 ? "up" : "down"}>
          {r.symbol} <span className="mono">{formatPrice(r.last, r.instrument)}</span> {fmt(r.change_percent, 2)}%
        </span>
      ))}
    </div>
  );
}
