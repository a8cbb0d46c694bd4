import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen } from "@testing-library/react";
import { Profiler } from "react";
import { afterEach, describe, expect, it } from "vitest";
import type { ReactNode } from "react";
import { PriceFormatProvider, usePriceFormat } from "../../shared/price-format";
import { quoteKeys, usePriceDisplays } from "./api/quotes";

const snapshot = (zbLast: number, format: string) => ({
  rows: [
    { symbol: "YM", last: 47000, instrument: { display_precision: 0, price_format: "decimal" } },
    { symbol: "ZB", last: zbLast, instrument: { display_precision: 5, price_format: format } },
  ],
  total: {},
});

let renders = 0;
/** Set the quotes and let TanStack's notifications (scheduled on a timer) reach the components. */
async function push(client: QueryClient, data: unknown) {
  await act(async () => {
    client.setQueryData(quoteKeys.latest, data);
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
}
/** As the app provides it: each symbol's display from the quotes. */
function WithDisplays({ children }: { children: ReactNode }) {
  return <PriceFormatProvider displays={usePriceDisplays()}>{children}</PriceFormatProvider>;
}
function Prices() {
  const px = usePriceFormat();
  return <span aria-label="prices">{`${px(117.796875, "ZB")} ${px(47012.4, "TOTAL")} ${px(1.5, "XX")}`}</span>;
}

afterEach(cleanup);

describe("usePriceFormat", () => {
  it("formats in each instrument's display, TOTAL as YM, unknown symbols with two decimals", () => {
    const client = new QueryClient();
    client.setQueryData(quoteKeys.latest, snapshot(117.5, "32nds"));
    render(<QueryClientProvider client={client}><WithDisplays><Prices /></WithDisplays></QueryClientProvider>);
    expect(screen.getByLabelText("prices").textContent).toBe("117'25+ 47,012 1.50");
  });

  it("re-renders when a display changes, not when only prices move", async () => {
    const client = new QueryClient();
    client.setQueryData(quoteKeys.latest, snapshot(117.5, "32nds"));
    renders = 0;
    // React's Profiler counts the commits of the component (a render that changed nothing commits nothing)
    render(
      <QueryClientProvider client={client}>
        <Profiler id="prices" onRender={() => { renders += 1; }}><WithDisplays><Prices /></WithDisplays></Profiler>
      </QueryClientProvider>,
    );
    const first = renders;
    await push(client, snapshot(117.53125, "32nds"));
    await push(client, snapshot(117.5625, "32nds"));
    expect(renders).toBe(first); // a pushed quote does not re-render every session row
    await push(client, snapshot(117.5625, "decimal"));
    expect(renders).toBe(first + 1);
    expect(screen.getByLabelText("prices").textContent).toBe("117.79688 47,012 1.50");
  });
});
