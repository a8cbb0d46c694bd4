import { QueryClient } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { drawdownSeries, windowNote } from "./pages/History";

const quotes = {
  rows: ["YM", "ES"].map((symbol, i) => ({
    symbol,
    instrument: { symbol, name: `${symbol} future`, display_precision: 2, tick_size: 0.25 },
    last: 100 + i, bid: 99 + i, ask: 101 + i, bid_size: 1, ask_size: 2, spread: 2, vwap: 100.5, volume: 10,
    change: i ? -1 : 1, change_percent: 0.5, open_price: 99, high_price: 102, low_price: 98, previous_close: 99,
    extended_data: { signal: i ? "SELL" : "BUY", signal_weight: 1, high_52w: 120, low_52w: 80 },
    stale: i === 1,
  })),
  total: { composite_signal: "HOLD", signal_weight_sum: 0, avg_weighted: 0.5, sum_weighted: 1, count: 2, stale_symbols: ["ES"] },
};
const markets = [{ country: "USA", display_name: "New York", status: "OPEN", local_time: "2025-12-01T09:40:00-05:00",
  next_open: "2025-12-02T14:30:00+00:00", next_close: "2025-12-01T21:00:00+00:00", enable_futures_capture: true }];
const stats = { now: "2025-12-01T14:40:00+00:00", any_open: true, us_open: true, open_markets: ["USA"], next_event: null };

/** The path and query a fetch asked for: a string from `api()`, a Request from the typed client. */
function pathOf(input: RequestInfo | URL): string {
  if (typeof input === "string") return input;
  const url = new URL(input instanceof URL ? input : input.url);
  return url.pathname + url.search;
}

function mockApi(loggedIn: boolean) {
  const calls: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const path = pathOf(input);
    calls.push(path);
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
    if (path.startsWith("/api/auth/me/")) return json(200, { authenticated: loggedIn, username: loggedIn ? "trader" : null });
    if (path.startsWith("/api/auth/login/")) return json(200, { username: "trader" });
    if (path.startsWith("/api/ThorTrading/quotes/latest")) return json(200, quotes);
    if (path.startsWith("/api/global-markets/markets/")) return json(200, markets);
    if (path.startsWith("/api/global-markets/stats/")) return json(200, stats);
    return json(404, { error: "not mocked" });
  }));
  return calls;
}

beforeEach(() => {
  window.location.hash = "";
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("the dashboard", () => {
  it("asks for a login when the session is missing, then shows Home", async () => {
    mockApi(false);
    render(<App client={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />);
    expect(await screen.findByRole("form", { name: "Log in" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "trader" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret" } });
    mockApi(true);
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByText("Global markets")).toBeTruthy();
  });

  it("shows the markets full width, then a card per future and the TOTAL card once Futures is on", async () => {
    mockApi(true);
    localStorage.removeItem("thor.home.futures");
    render(<App client={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />);
    expect(await screen.findByText("Global markets")).toBeTruthy();
    expect(screen.queryByRole("article", { name: "TOTAL card" })).toBeNull(); // the plan's default: full width
    fireEvent.click(screen.getByRole("checkbox", { name: "Futures" }));
    expect(localStorage.getItem("thor.home.futures")).toBe("1"); // remembered per browser
    const ym = await screen.findByRole("article", { name: "YM card" });
    expect(ym.textContent).toContain("100.00");
    expect(ym.textContent).toContain("BUY");
    const es = screen.getByRole("article", { name: "ES card" });
    expect(es.textContent).toContain("STALE");
    expect(screen.getByRole("article", { name: "TOTAL card" }).textContent).toContain("HOLD");
    expect(screen.getByRole("table", { name: "Global markets" }).textContent).toContain("OPEN");
  });

  it("fetches market status once every ten ticks of the global timer", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = mockApi(true);
    render(<App client={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />);
    await screen.findByText("Global markets");
    const count = () => calls.filter((c) => c.startsWith("/api/global-markets/stats/")).length;
    const first = count();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_000);
    });
    await waitFor(() => expect(count()).toBe(first + 1));
  });
});

describe("helpers", () => {
  it("says how long a trade may stay pending, and which markets differ", () => {
    const base = { overall: {}, by_market: [], by_weekday: [], by_signal: [], by_future: [], last_7_days: {}, pnl_by_day: [] } as never;
    expect(windowNote({ ...(base as object), evaluation_window_minutes: { default: 30, markets: { USA: 30, Japan: null, India: 60 } } } as never))
      .toBe("A trade not resolved 30 minutes after its capture counts as EXPIRED ($0); Japan: never, India: 60 min.");
    expect(windowNote(base)).toBe("");
  });

  it("measures drawdown from the running peak", () => {
    const days = [100, 200, 50, 300].map((c, i) => ({ date: `d${i}`, trades: 1, pnl: 0, cumulative_pnl: c }));
    expect(drawdownSeries(days).map((d) => d.drawdown)).toEqual([0, 0, -150, 0]);
  });
});

describe("what if", () => {
  const summary = (key: string | undefined, hit: number) => ({
    key, rows: 12, trades: 4, worked: 3, didnt_work: 1, expired: 0, pending: 0, neutral: 8, hit_rate: hit, hit_rate_low: 30,
    hit_rate_high: 95, expected_value: 50, profit_factor: 3, total_pnl: 200, max_drawdown: 100, avg_resolution_seconds: 60,
  });
  const testStats = { overall: summary(undefined, 75), by_market: [summary("USA", 75)], by_weekday: [summary("Mon", 75)],
    by_signal: [], by_future: [], last_7_days: summary(undefined, 75), pnl_by_day: [] };

  it("sends the variant, polls until done, and shows it beside the live figures", async () => {
    const posted: unknown[] = [];
    const liveQueries: string[] = [];
    let polls = 0;
    vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = pathOf(input);
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
      if (path === "/api/ThorTrading/backtests/" && init?.method === "POST") {
        posted.push(JSON.parse(String(init.body)));
        return json(202, { id: 7, status: "QUEUED", url: "/api/ThorTrading/backtests/7/" });
      }
      if (path.startsWith("/api/ThorTrading/market-opens/stats/?")) {
        liveQueries.push(path);
        return json(200, { ...testStats, overall: summary(undefined, 40), by_market: [summary("USA", 40)] });
      }
      if (path === "/api/ThorTrading/backtests/7/") {
        polls += 1;
        return polls < 2
          ? json(200, { id: 7, status: "RUNNING", progress: 40, error: "", params: {}, created_at: "", finished_at: null })
          : json(200, { id: 7, status: "DONE", progress: 100, error: "", params: { from: "2025-12-01", to: "2025-12-05", markets: ["USA"] },
            created_at: "", finished_at: "",
            result: { params: { opens: 6, ticks: 1234 }, stats: testStats, trades: [] } });
      }
      return json(404, { error: "not mocked" });
    }));
    const { QueryClientProvider } = await import("@tanstack/react-query");
    const { WhatIfPanel } = await import("../features/history/components/WhatIf");
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <WhatIfPanel />
      </QueryClientProvider>,
    );
    fireEvent.change(screen.getByLabelText("Target $"), { target: { value: "200" } });
    fireEvent.click(screen.getByLabelText("USA"));
    fireEvent.click(screen.getByRole("button", { name: "Run backtest" }));
    expect(await screen.findByText(/Backtest running: 40% of the opens/)).toBeTruthy();
    expect(await screen.findByText(/What if: 4 trades over 6 opens \(1234 ticks\), hit rate 75.00%/, {}, { timeout: 3000 })).toBeTruthy();
    expect(posted[0]).toMatchObject({ markets: ["USA"], target_mode: "USD", profit_target: "200", stop_loss: "100", window_minutes: 30 });
    await waitFor(() => expect(screen.getByRole("table", { name: "What if versus live" }).textContent).toContain("40.00%"));
    const table = screen.getByRole("table", { name: "What if versus live" }).textContent ?? "";
    expect(liveQueries).toEqual(["/api/ThorTrading/market-opens/stats/?start=2025-12-01&end=2025-12-05&country=USA"]);
    expect(table).toContain("75.00%");
  });
});

describe("What if's data line", () => {
  it("names the resolution, sources, contracts and days a backtest ran on", async () => {
    const { DataSource } = await import("../features/history/components/WhatIf");
    render(<DataSource params={{ resolution: ["1m"], sources: ["algoseek"], contracts: ["ESZ13"], days: ["2013-10-07", "2013-10-11"], close_source: { "last trade": 5 }, roll: "volume", opens_with_data: 5, opens_without_data: 1, ambiguous: 2 }} />);
    const text = screen.getByLabelText("Data source").textContent ?? "";
    expect(text).toContain("1-minute bars from algoseek");
    expect(text).toContain("contracts ESZ13; 2 CME days (2013-10-07 … 2013-10-11)");
    expect(text).toContain("previous close from last trade ×5");
    expect(text).toContain("5 opens with data, 1 without; 2 ambiguous");
  });
});

describe("a session card", () => {
  it("labels a SELL's lower level its target and the upper its stop", async () => {
    const { SessionCard } = await import("../features/sessions/components/SessionCard");
    render(<SessionCard event={{
      capture_group: 1, session_id: 7, future: "ES", country: "USA", session_number: 1, session_date: "2025-12-01",
      day: "Mon", captured_at: "2025-12-01T14:30:00Z", late: false, is_demo: false,
      composite: { signal: "HOLD", signal_weight_sum: 0, weighted_average: 0, instrument_count: 11, stale_symbols: "" },
      trade: { future: "ES", signal: "SELL", entry_price: 6800, target_high: 6802, target_low: 6798, outcome: "PENDING",
               hit_type: null, hit_price: null, hit_at: null, pnl_usd: null, resolved_at: null, reason: null, stale: false },
    }} />);
    const text = screen.getByRole("article", { name: "USA capture" }).textContent ?? "";
    expect(text).toMatch(/target 6,?798\.00 · stop 6,?802\.00/);
  });
});
