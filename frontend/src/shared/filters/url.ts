// The drawer's filters in the address (issue 25: a filtered view can be bookmarked and shared). Pure.
import { EMPTY_FILTERS, type DatePreset, type Filters } from "./filters";

const LISTS: [keyof Filters, string][] = [
  ["countries", "country"], ["signals", "signal"], ["outcomes", "status"], ["futures", "future"], ["weekdays", "weekday"],
];
const PRESETS: DatePreset[] = ["all", "today", "week", "month", "custom"];
/** Every key the filters write (a page's own params, such as `page`, are not among them). */
export const FILTER_KEYS = ["preset", "start", "end", "stale", ...LISTS.map(([, key]) => key)];

/** Write `filters` into `params` (replacing the filter keys; other keys are left alone). */
export function writeFilters(params: URLSearchParams, filters: Filters): void {
  for (const key of FILTER_KEYS) params.delete(key);
  if (filters.preset !== "all") params.set("preset", filters.preset);
  if (filters.preset === "custom" && filters.start) params.set("start", filters.start);
  if (filters.preset === "custom" && filters.end) params.set("end", filters.end);
  for (const [field, key] of LISTS) {
    const values = filters[field] as string[];
    if (values.length) params.set(key, values.join(","));
  }
  if (filters.stale) params.set("stale", "true");
}

/** The filters `params` hold, or null when they hold none (then the tab's own last filters stand). */
export function readFilters(params: URLSearchParams): Filters | null {
  if (!FILTER_KEYS.some((key) => params.has(key))) return null;
  const preset = params.get("preset") as DatePreset | null;
  const list = (key: string) => (params.get(key) ?? "").split(",").map((v) => v.trim()).filter(Boolean);
  const filters: Filters = {
    ...EMPTY_FILTERS,
    preset: preset && PRESETS.includes(preset) ? preset : params.has("start") || params.has("end") ? "custom" : "all",
    start: params.get("start") ?? "",
    end: params.get("end") ?? "",
    stale: params.get("stale") === "true",
  };
  for (const [field, key] of LISTS) (filters[field] as string[]) = list(key);
  return filters;
}
