// Prices as traders read them (issue 14): decimals, or Treasury futures in 32nds the way TOS writes
// them — 117'02 for 117 + 2/32, 117'02+ for 117 + 2.5/32 (the "+" is half a 32nd). One function for
// every price on the page.
import type { Num } from "./api/types";
import { fmt } from "./format";

export interface PriceDisplay { display_precision: number; price_format?: string }

/** ``value`` (points) as the instrument displays it; "—" when there is none. */
export function formatPrice(value: Num | undefined, instrument: PriceDisplay): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (instrument.price_format !== "32nds") return fmt(value, instrument.display_precision);
  const sign = value < 0 ? "-" : "";
  const halves = Math.round(Math.abs(value) * 64); // whole 64ths: a 32nd and a half
  const handle = Math.floor(halves / 64);
  const rest = halves - handle * 64;
  const thirtySeconds = Math.floor(rest / 2);
  return `${sign}${handle.toLocaleString("en-US")}'${String(thirtySeconds).padStart(2, "0")}${rest % 2 ? "+" : ""}`;
}

/** The points a 32nds price stands for ("117'02+" → 117.078125); NaN when it is not one. */
export function parse32nds(text: string): number {
  const match = /^(-?)([\d,]+)'(\d{2})(\+?)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const [, sign, handle, thirtySeconds, half] = match;
  const points = Number(handle.replace(/,/g, "")) + (Number(thirtySeconds) + (half ? 0.5 : 0)) / 32;
  return sign ? -points : points;
}

/** A trade's target and stop as the trader places them (issue 25): a long's target is the upper
 *  level (``target_high``) and its stop the lower; a short's target is the lower level and its stop
 *  the upper. ``signal``: BUY/STRONG_BUY (long), SELL/STRONG_SELL (short). */
export function tradeLevels(signal: string | null | undefined, high: Num, low: Num): { target: Num; stop: Num } {
  const short = signal === "SELL" || signal === "STRONG_SELL";
  return short ? { target: low, stop: high } : { target: high, stop: low };
}
