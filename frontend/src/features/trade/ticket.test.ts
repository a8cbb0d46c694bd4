import { describe, expect, it } from "vitest";
import { bracketPrices, contractsOpened, entryReference, needs } from "./ticket";

const ES = { tick_size: 0.25, tick_value: 12.5 };

describe("the order ticket", () => {
  it("asks each order type for the prices the engine needs", () => {
    expect(needs("MKT")).toEqual({ limit: false, stop: false });
    expect(needs("LMT")).toEqual({ limit: true, stop: false });
    expect(needs("STP")).toEqual({ limit: false, stop: true });
    expect(needs("STP_LMT")).toEqual({ limit: true, stop: true });
  });
  it("puts a bracket's legs on the right side of the entry, from ticks or USD rounded up to ticks", () => {
    expect(entryReference("STP_LMT", "BUY", { limit: 6801, stop: 6800 }, undefined)).toBe(6801);
    expect(entryReference("MKT", "SELL", {}, { bid: 6799.75, ask: 6800, last: 6800 })).toBe(6799.75);
    expect(bracketPrices("ticks", "BUY", 6800, 8, 4, ES)).toEqual({ takeProfit: 6802, stopLoss: 6799 });
    expect(bracketPrices("ticks", "SELL", 6800, 8, 4, ES)).toEqual({ takeProfit: 6798, stopLoss: 6801 });
    // $100 = 8 ticks; $30 = 2.4 ticks → 3 ticks (never less risk than asked for)
    expect(bracketPrices("usd", "BUY", 6800, 100, 30, ES)).toEqual({ takeProfit: 6802, stopLoss: 6799.25 });
    expect(bracketPrices("price", "BUY", null, 6810, 6790, ES)).toEqual({ takeProfit: 6810, stopLoss: 6790 });
    expect(bracketPrices("usd", "BUY", null, 100, 30, ES)).toBeNull();
  });
  it("needs margin only for the contracts an order opens", () => {
    expect(contractsOpened("BUY", 2, 0)).toBe(2);
    expect(contractsOpened("BUY", 1, 2)).toBe(1);
    expect(contractsOpened("SELL", 2, 2)).toBe(0);
    expect(contractsOpened("BUY", 3, -2)).toBe(1);
    expect(contractsOpened("SELL", 1, 3)).toBe(0);
  });
});
