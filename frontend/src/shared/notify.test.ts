import { describe, expect, it } from "vitest";
import { notificationFor } from "./notify";

describe("browser notifications", () => {
  it("tell a capture once, by its composite", () => {
    expect(notificationFor({ type: "capture", country: "USA", signal: "BUY", capture_group: 7 }))
      .toEqual({ title: "USA captured: TOTAL BUY", tag: "capture-7" });
  });
  it("tell a capture's resolution by TOTAL's row only, with its P&L", () => {
    expect(notificationFor({ type: "grade", country: "USA", future: "TOTAL", outcome: "DIDNT_WORK", pnl_usd: -100, capture_group: 7 }))
      .toEqual({ title: "USA TOTAL DIDN'T WORK −$100.00", tag: "grade-7" });
    expect(notificationFor({ type: "grade", country: "USA", future: "ES", outcome: "WORKED", pnl_usd: 100, capture_group: 7 })).toBeNull();
    expect(notificationFor({ type: "market_status", country: "USA" })).toBeNull();
  });
});
