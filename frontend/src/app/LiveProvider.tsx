// Live push (SPEC §14): /ws/quotes/ feeds the ["quotes"] query; /ws/events/ invalidates what an event
// changes. While both sockets are open, pages stop polling (useLivePollInterval); when one drops, the
// page says so, polls at the GlobalTimer's cadence and the socket reconnects with backoff.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import type { QuoteRow, Total } from "./api";
import { usePollInterval } from "./timer";

export type LiveState = "connecting" | "live" | "polling";

interface QuotesMessage { type: "quotes"; rows: QuoteRow[]; total: Total; partial?: boolean }

const LiveContext = createContext<LiveState>("polling");

function socketUrl(path: string): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}${path}`;
}

/** Which queries an event from /ws/events/ makes stale. */
const EVENT_QUERIES: Record<string, string[]> = {
  market_status: ["markets", "health"],
  capture: ["events", "history-rows", "stats", "insight"],
  grade: ["events", "history-rows", "stats", "insight"],
  expiry: ["events", "history-rows", "stats", "insight"],
  order: ["orders", "accounts", "positions", "statement"],
  margin_call: ["accounts"],
};

function invalidate(client: QueryClient, kind: string) {
  const keys = EVENT_QUERIES[kind] ?? [];
  void client.invalidateQueries({ predicate: (q) => keys.includes(String(q.queryKey[0])) });
}

/** One socket that reconnects with backoff (0.5 s doubling to 10 s); `onState(open)` on each change. */
function keepOpen(path: string, onMessage: (data: { type: string }) => void, onState: (open: boolean) => void): () => void {
  let socket: WebSocket | null = null;
  let delay = 500;
  let timer: number | undefined;
  let closed = false;
  const connect = () => {
    socket = new WebSocket(socketUrl(path));
    socket.onopen = () => {
      delay = 500;
      onState(true);
    };
    socket.onmessage = (e) => {
      try {
        onMessage(JSON.parse(String(e.data)));
      } catch {
        /* a malformed message is skipped, the socket stays */
      }
    };
    socket.onclose = () => {
      onState(false);
      if (closed) return;
      timer = window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  connect();
  return () => {
    closed = true;
    window.clearTimeout(timer);
    socket?.close();
  };
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [quotesOpen, setQuotesOpen] = useState(false);
  const [eventsOpen, setEventsOpen] = useState(false);
  const [tried, setTried] = useState(false);
  useEffect(() => {
    const stopQuotes = keepOpen("/ws/quotes/", (message) => {
      if (message.type !== "quotes") return;
      const update = message as QuotesMessage;
      client.setQueryData<QuotesMessage>(["quotes"], (old) => {
        if (!update.partial || !old) return update;
        // A partial message carries the changed rows and TOTAL: merge them into the snapshot.
        const changed = new Map(update.rows.map((r) => [r.symbol, r]));
        return { ...old, total: update.total, rows: old.rows.map((r) => changed.get(r.symbol) ?? r) };
      });
    }, (open) => { setQuotesOpen(open); if (!open) setTried(true); });
    const stopEvents = keepOpen("/ws/events/", (message) => {
      invalidate(client, message.type);
    }, (open) => { setEventsOpen(open); if (!open) setTried(true); });
    return () => { stopQuotes(); stopEvents(); };
  }, [client]);
  const state: LiveState = quotesOpen && eventsOpen ? "live" : tried ? "polling" : "connecting";
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

export function useLiveState(): LiveState {
  return useContext(LiveContext);
}

/** The poll interval while the sockets are down (the GlobalTimer's cadence); false while live. */
export function useLivePollInterval(openMs: number, closedMs: number, country?: string): number | false {
  const every = usePollInterval(openMs, closedMs, country);
  return useLiveState() === "live" ? false : every;
}

export function LiveBadge() {
  const state = useLiveState();
  if (state === "live") return <span className="badge live" title="Quotes and events are pushed as they happen">LIVE</span>;
  if (state === "connecting") return null;
  return <span className="badge polling" role="status" title="The live connection is down; the page polls and reconnects">Live updates lost — polling</span>;
}
