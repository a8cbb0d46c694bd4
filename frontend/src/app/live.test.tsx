// The socket / polling switch (SPEC §14): while both sockets are open, pages do not poll and the nav
// says LIVE; when one drops, the page says so, polls at the GlobalTimer's cadence, and reconnects.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { quoteKeys } from "../features/quotes/api/quotes";
import { LiveBadge, useLivePollInterval } from "../shared/live";
import { LiveProvider } from "./LiveProvider";

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  open() { this.onopen?.(); }
  drop() { this.onclose?.(); }
  close() {}
}

function Probe() {
  const every = useLivePollInterval(1000, 5000);
  return <span aria-label="poll interval">{every === false ? "off" : String(every)}</span>;
}

function renderLive() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <LiveProvider><LiveBadge /><Probe /></LiveProvider>
    </QueryClientProvider>,
  );
}

const socketsFor = (path: string) => FakeSocket.all.filter((s) => s.url.endsWith(path));

beforeEach(() => {
  FakeSocket.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("the socket / polling switch", () => {
  it("stops polling while both sockets are open, and polls at the timer's cadence when one drops", () => {
    renderLive();
    expect(socketsFor("/ws/quotes/")).toHaveLength(1);
    expect(socketsFor("/ws/events/")).toHaveLength(1);
    act(() => { socketsFor("/ws/quotes/")[0].open(); socketsFor("/ws/events/")[0].open(); });
    expect(screen.getByText("LIVE")).toBeTruthy();
    expect(screen.getByLabelText("poll interval").textContent).toBe("off");

    act(() => socketsFor("/ws/quotes/")[0].drop());
    expect(screen.getByRole("status").textContent).toBe("Live updates lost — polling");
    // no market status yet: the closed-market cadence
    expect(screen.getByLabelText("poll interval").textContent).toBe("5000");
  });

  it("reconnects with backoff and goes live again", () => {
    renderLive();
    act(() => { socketsFor("/ws/quotes/")[0].open(); socketsFor("/ws/events/")[0].open(); });
    act(() => socketsFor("/ws/quotes/")[0].drop());
    expect(socketsFor("/ws/quotes/")).toHaveLength(1);
    act(() => { vi.advanceTimersByTime(499); });
    expect(socketsFor("/ws/quotes/")).toHaveLength(1); // 0.5 s first
    act(() => { vi.advanceTimersByTime(1); });
    expect(socketsFor("/ws/quotes/")).toHaveLength(2);
    act(() => socketsFor("/ws/quotes/")[1].drop());
    act(() => { vi.advanceTimersByTime(999); });
    expect(socketsFor("/ws/quotes/")).toHaveLength(2); // then 1 s
    act(() => { vi.advanceTimersByTime(1); });
    expect(socketsFor("/ws/quotes/")).toHaveLength(3);
    act(() => socketsFor("/ws/quotes/")[2].open());
    expect(screen.getByText("LIVE")).toBeTruthy();
    expect(screen.getByLabelText("poll interval").textContent).toBe("off");
  });

  it("merges a partial quotes message into the snapshot", () => {
    const client = new QueryClient();
    render(<QueryClientProvider client={client}><LiveProvider><LiveBadge /></LiveProvider></QueryClientProvider>);
    const quotes = socketsFor("/ws/quotes/")[0];
    const row = (symbol: string, last: number) => ({ symbol, last });
    act(() => quotes.onmessage?.({ data: JSON.stringify({ type: "quotes", rows: [row("YM", 1), row("ES", 2)], total: { count: 2 } }) }));
    act(() => quotes.onmessage?.({ data: JSON.stringify({ type: "quotes", partial: true, rows: [row("ES", 3)], total: { count: 3 } }) }));
    expect(client.getQueryData(quoteKeys.latest)).toEqual({ rows: [row("YM", 1), row("ES", 3)], total: { count: 3 } });
  });
});
