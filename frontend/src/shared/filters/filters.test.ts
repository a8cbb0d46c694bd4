import { describe, expect, it } from "vitest";
import { activeCount, dateRange, EMPTY_FILTERS, MARKETS, toggle, toQuery, type Filters } from "./filters";

// Thursday 4 December 2025, 15:00 UTC on Thor's clock
const THURSDAY = new Date("2025-12-04T15:00:00Z");

describe("the drawer's date presets", () => {
  it("Today is the clock's day", () => {
    expect(dateRange({ ...EMPTY_FILTERS, preset: "today" }, THURSDAY)).toEqual({ start: "2025-12-04", end: "2025-12-04" });
  });
  it("This week runs Monday to today, across a month's end", () => {
    expect(dateRange({ ...EMPTY_FILTERS, preset: "week" }, THURSDAY)).toEqual({ start: "2025-12-01", end: "2025-12-04" });
    expect(dateRange({ ...EMPTY_FILTERS, preset: "week" }, new Date("2025-12-02T01:00:00Z"))).toEqual({ start: "2025-12-01", end: "2025-12-02" });
    expect(dateRange({ ...EMPTY_FILTERS, preset: "week" }, new Date("2025-11-02T23:59:00Z"))).toEqual({ start: "2025-10-27", end: "2025-11-02" });
  });
  it("This month starts on the 1st; Custom keeps its own dates; All time sets none", () => {
    expect(dateRange({ ...EMPTY_FILTERS, preset: "month" }, THURSDAY)).toEqual({ start: "2025-12-01", end: "2025-12-04" });
    expect(dateRange({ ...EMPTY_FILTERS, preset: "custom", start: "2025-11-03", end: "" }, THURSDAY)).toEqual({ start: "2025-11-03" });
    expect(dateRange({ ...EMPTY_FILTERS, preset: "all", start: "2025-11-03" }, THURSDAY)).toEqual({});
  });
});

describe("the drawer's query", () => {
  it("joins multi-selections with commas in a fixed order and leaves out what is not set", () => {
    const filters: Filters = { ...EMPTY_FILTERS, preset: "week", countries: ["Japan", "USA"], signals: ["SELL"],
      outcomes: ["WORKED", "DIDNT_WORK"], weekdays: ["Mon", "Fri"] };
    const query = toQuery(filters, THURSDAY);
    expect(query).toBe("start=2025-12-01&end=2025-12-04&country=Japan%2CUSA&signal=SELL&status=WORKED%2CDIDNT_WORK&weekday=Mon%2CFri");
    expect(new URLSearchParams(query).get("country")).toBe("Japan,USA");
    expect(query).not.toContain("future"); // each endpoint keeps its default (TOTAL)
  });
  it("is empty with no filters, and names futures when chosen", () => {
    expect(toQuery(EMPTY_FILTERS, THURSDAY)).toBe("");
    expect(toQuery({ ...EMPTY_FILTERS, futures: ["ES", "ZB"] }, THURSDAY)).toBe("future=ES%2CZB");
  });
  it("custom dates pass through as given", () => {
    expect(toQuery({ ...EMPTY_FILTERS, preset: "custom", start: "2025-11-03", end: "2025-11-07" }, THURSDAY))
      .toBe("start=2025-11-03&end=2025-11-07");
  });
});

describe("multi-select", () => {
  it("toggles a value in and out, keeping the list's own order", () => {
    expect(toggle(["USA"], "Japan", MARKETS)).toEqual(["Japan", "USA"]);
    expect(toggle(["Japan", "USA"], "Japan", MARKETS)).toEqual(["USA"]);
  });
  it("counts the filters that are set", () => {
    expect(activeCount(EMPTY_FILTERS)).toBe(0);
    expect(activeCount({ ...EMPTY_FILTERS, preset: "today", countries: ["USA", "Japan"], signals: ["SELL"] })).toBe(3);
  });
});
