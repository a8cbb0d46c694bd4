import { describe, expect, it } from "vitest";
import { formatPrice, parse32nds, tradeLevels } from "./price";

const ZB = { display_precision: 5, price_format: "32nds" };

describe("formatPrice", () => {
  it("writes Treasury futures in 32nds as TOS does", () => {
    expect(formatPrice(117.0625, ZB)).toBe("117'02");
    expect(formatPrice(117.78125, ZB)).toBe("117'25");
    expect(formatPrice(117.796875, ZB)).toBe("117'25+");
    expect(formatPrice(117, ZB)).toBe("117'00");
    expect(formatPrice(-0.4375, ZB)).toBe("-0'14");
  });

  it("round-trips every half 32nd between 110 and 120", () => {
    for (let n = 110 * 64; n <= 120 * 64; n += 1) {
      const points = n / 64;
      expect(parse32nds(formatPrice(points, ZB))).toBe(points);
    }
  });

  it("keeps decimals for everything else and a dash for no price", () => {
    expect(formatPrice(6835.25, { display_precision: 2 })).toBe("6,835.25");
    expect(formatPrice(null, ZB)).toBe("—");
    expect(parse32nds("117.5")).toBeNaN();
  });
});

describe("tradeLevels", () => {
  it("gives a short's target below its entry and its stop above, as the trader places them", () => {
    // A SELL at 6800.00 with $100 targets on ES: target_high 6802.00 is the stop, target_low 6798.00 the target.
    expect(tradeLevels("SELL", 6802, 6798)).toEqual({ target: 6798, stop: 6802 });
    expect(tradeLevels("STRONG_SELL", 6802, 6798)).toEqual({ target: 6798, stop: 6802 });
    expect(tradeLevels("BUY", 6802, 6798)).toEqual({ target: 6802, stop: 6798 });
    expect(tradeLevels("STRONG_BUY", 6802, 6798)).toEqual({ target: 6802, stop: 6798 });
  });
});
