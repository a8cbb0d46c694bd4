import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { localTexts, When } from "./When";

describe("a moment as a trader reads it", () => {
  it("is the market's local time, the browser's beside it and UTC on hover", () => {
    // 14:30 UTC on 1 December 2025 is 09:30 in New York (EST) and 23:30 in Tokyo.
    expect(localTexts("2025-12-01T14:30:00Z", "America/New_York").market).toBe("Mon 1 Dec, 09:30");
    expect(localTexts("2025-12-01T14:30:00Z", "Asia/Tokyo", false).market).toBe("23:30");
    render(<When at="2025-12-01T14:30:00Z" zone="America/New_York" place="New York" />);
    const time = screen.getByTitle("2025-12-01 14:30 UTC");
    expect(time.textContent).toMatch(/^Mon 1 Dec, 09:30 New York · .* yours$/);
  });
});
