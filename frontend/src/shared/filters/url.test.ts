import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS } from "./filters";
import { readFilters, writeFilters } from "./url";

describe("filters in the address", () => {
  it("round-trip through the params and leave a page's own params alone", () => {
    const filters = { ...EMPTY_FILTERS, preset: "custom" as const, start: "2025-11-01", end: "2025-11-30",
      countries: ["Japan", "USA"], outcomes: ["WORKED"], stale: true };
    const params = new URLSearchParams("page=3");
    writeFilters(params, filters);
    expect(params.toString()).toBe("page=3&preset=custom&start=2025-11-01&end=2025-11-30&country=Japan%2CUSA&status=WORKED&stale=true");
    expect(readFilters(params)).toEqual(filters);
    expect(readFilters(new URLSearchParams("page=2"))).toBeNull();
    writeFilters(params, EMPTY_FILTERS);
    expect(params.toString()).toBe("page=3");
  });
});
