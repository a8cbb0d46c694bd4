// The filter drawer's model (the market-open plan's "Frontend UI Plan"): date presets, multi-select
// markets, signals, outcomes, futures and weekdays, turned into the API's list filters (SPEC §9:
// comma-separated values, market-local dates, `end` inclusive). Pure: no React, tested by Vitest.

export type DatePreset = "all" | "today" | "week" | "month" | "custom";

export interface Filters {
  preset: DatePreset;
  /** YYYY-MM-DD, only with the "custom" preset */
  start: string;
  end: string;
  countries: string[];
  signals: string[];
  outcomes: string[];
  futures: string[];
  weekdays: string[];
  /** keep trades captured on a stale quote in the statistics (the API leaves them out by default) */
  stale: boolean;
}

export const EMPTY_FILTERS: Filters = {
  preset: "all", start: "", end: "", countries: [], signals: [], outcomes: [], futures: [], weekdays: [], stale: false,
};

export const PRESETS: { value: DatePreset; label: string }[] = [
  { value: "all", label: "All time" },
  { value: "today", label: "Today" },
  { value: "week", label: "This week" },
  { value: "month", label: "This month" },
  { value: "custom", label: "Custom" },
];

export const MARKETS = ["Japan", "China", "India", "Germany", "Netherlands", "United Kingdom", "Pre_USA", "USA", "Canada", "Mexico"];
export const SIGNALS = ["STRONG_BUY", "BUY", "HOLD", "SELL", "STRONG_SELL"];
export const OUTCOMES = ["WORKED", "DIDNT_WORK", "PENDING", "EXPIRED", "NEUTRAL"];
export const FUTURES = ["TOTAL", "YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB"];
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"];

function isoDate(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** The dates a preset covers on `today` (Thor's clock, UTC day): This week runs Monday → today,
 *  This month the 1st → today; Custom is the drawer's own dates; All time sets none. */
export function dateRange(filters: Pick<Filters, "preset" | "start" | "end">, today: Date): { start?: string; end?: string } {
  const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  switch (filters.preset) {
    case "today":
      return { start: isoDate(day), end: isoDate(day) };
    case "week": {
      const monday = new Date(day);
      monday.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
      return { start: isoDate(monday), end: isoDate(day) };
    }
    case "month":
      return { start: isoDate(new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1))), end: isoDate(day) };
    case "custom":
      return { ...(filters.start ? { start: filters.start } : {}), ...(filters.end ? { end: filters.end } : {}) };
    default:
      return {};
  }
}

/** The query string of the list filters (`country=Japan,USA&signal=SELL&start=…`), keys in a fixed
 *  order so equal filters give equal query keys. Futures are left out when none is chosen, so
 *  each endpoint keeps its own default (TOTAL). */
export function toQuery(filters: Filters, today: Date): string {
  const params = new URLSearchParams();
  const { start, end } = dateRange(filters, today);
  if (start) params.set("start", start);
  if (end) params.set("end", end);
  const lists: [string, string[]][] = [
    ["country", filters.countries], ["signal", filters.signals], ["status", filters.outcomes],
    ["future", filters.futures], ["weekday", filters.weekdays],
  ];
  for (const [key, values] of lists) if (values.length) params.set(key, values.join(","));
  if (filters.stale) params.set("stale", "true");
  return params.toString();
}

/** How many filters are set (the drawer button's badge). */
export function activeCount(filters: Filters): number {
  return (filters.preset !== "all" ? 1 : 0) + (filters.stale ? 1 : 0) + [filters.countries, filters.signals, filters.outcomes, filters.futures, filters.weekdays]
    .filter((values) => values.length > 0).length;
}

/** `values` with `value` added, or removed when it is there, in `order`'s order. */
export function toggle(values: string[], value: string, order: string[]): string[] {
  const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  return order.filter((v) => next.includes(v));
}
