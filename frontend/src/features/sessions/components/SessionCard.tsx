// A captured session's card (the market-open plan's session card): market, time, the composite
// signal, the trade's entry → exit, its outcome badge and P&L; a click shows all 12 rows.
import { useState, type ReactNode } from "react";
import type { CaptureEvent, SessionRow } from "../../../shared/api/types";
import { fmt } from "../../../shared/format";
import { tradeLevels } from "../../../shared/price";
import { usePriceFormat } from "../../../shared/price-format";
import { OutcomeBadge, SignalBadge } from "../../../shared/ui/badges";
import { When } from "../../../shared/ui/When";
import { useMarketZones } from "../../../shared/zones";

/** What a page may add to a card (e.g. the trade feature's "Trade this capture"), composed by the app. */
export type CardActions = (event: CaptureEvent) => ReactNode;

/** The trade's exit: where it resolved (target, stop or the expiry mark), or "open" while pending. */
function exitText(event: CaptureEvent, px: (v: number | null, s: string) => string): string {
  const t = event.trade;
  const future = t.future ?? "YM";
  if (t.outcome === "PENDING") return "open";
  if (t.outcome === "NEUTRAL" || t.entry_price === null) return "no trade";
  return t.hit_price !== null && t.hit_price !== undefined ? px(t.hit_price, future) : t.outcome === "EXPIRED" ? "expired" : "—";
}

export function SessionCard({ event, actions }: { event: CaptureEvent; actions?: CardActions }) {
  const [open, setOpen] = useState(false);
  const px = usePriceFormat();
  const t = event.trade;
  const future = t.future ?? "YM";
  const signal = event.future && event.future !== "TOTAL" ? t.signal ?? null : event.composite.signal;
  const levels = tradeLevels(t.signal ?? signal, t.target_high, t.target_low);
  const market = useMarketZones()[event.country];
  return (
    <article className={`card session outcome-${t.outcome.toLowerCase()}`} data-country={event.country} data-future={event.future ?? "TOTAL"}
             data-capture-group={event.capture_group}
             aria-label={`${event.country} capture`}>
      <header>
        <strong>{event.country}</strong>
        <small><When at={event.captured_at} zone={market?.zone} place={market?.place} /></small>
        {event.late && <span className="badge late">LATE</span>}
        {event.is_demo && <span className="badge demo">DEMO</span>}
        {t.stale && <span className="badge stale" title="The traded quote was stale at capture">STALE</span>}
        <OutcomeBadge outcome={t.outcome} />
      </header>
      <div className="trade">
        <SignalBadge signal={signal} />
        <span className="mono">
          {future} {px(t.entry_price, future)} → {exitText(event, px)}
          <small> · target {px(levels.target, future)} · stop {px(levels.stop, future)}</small>
        </span>
        <span className={`mono pnl ${(t.pnl_usd ?? 0) >= 0 ? "up" : "down"}`}>{t.pnl_usd === null ? "" : `$${fmt(t.pnl_usd)}`}</span>
      </div>
      {(t.reason || (t.outcome !== "PENDING" && t.resolved_at)) && (
        <p className="resolution">
          {t.outcome !== "PENDING" && t.resolved_at && <>Resolved <When at={t.resolved_at} zone={market?.zone} place={market?.place} withDate={false} />{t.reason ? ": " : ""}</>}
          {t.reason}
        </p>
      )}
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>{open ? "Hide rows" : "All 12 rows"}</button>
      {actions?.(event)}
      {open && event.rows && <SessionRows rows={event.rows} />}
    </article>
  );
}

/** A capture's 12 rows: each future's signal, entry, target and stop by its side, outcome and P&L. */
export function SessionRows({ rows }: { rows: SessionRow[] }) {
  const px = usePriceFormat();
  return (
    <table className="rows">
      <thead><tr><th>Future</th><th>Signal</th><th>Entry</th><th>Target</th><th>Stop</th><th>Outcome</th><th>P&amp;L</th>
        <th title="Maximum favourable / adverse excursion from the entry until the trade resolved (USD per contract)">MFE / MAE</th><th>Why</th></tr></thead>
      <tbody>
        {rows.map((r) => { const levels = tradeLevels(r.bhs, r.target_high, r.target_low); return (
          <tr key={r.id}>
            <td>{r.future}</td><td>{r.bhs || "—"}</td><td className="mono">{px(r.entry_price, r.future)}</td>
            <td className="mono">{px(levels.target, r.future)}</td><td className="mono">{px(levels.stop, r.future)}</td>
            <td><OutcomeBadge outcome={r.wndw} /></td><td className="mono">{fmt(r.pnl_usd)}</td>
            <td className="mono" title={r.mfe_points === null ? "" : `${r.mfe_points} / ${r.mae_points} points`}>
              {r.mfe_usd === null ? "—" : `+${fmt(r.mfe_usd)} / −${fmt(r.mae_usd)}`}</td>
            <td>{r.reason || (r.stale ? "stale quote" : "")}</td>
          </tr>
        ); })}
      </tbody>
    </table>
  );
}
