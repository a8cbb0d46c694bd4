import type { Num } from "./api/types";

/** A number with `digits` decimals and thousands separators (en-US), "—" when there is none. */
export function fmt(value: Num | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
