// Live push (SPEC §14): /ws/quotes/ feeds the quotes query; /ws/events/ invalidates what an event
// changes, by each feature's query keys. While both sockets are open, pages stop polling
// (useLivePollInterval); when one drops, the page says so, polls at the GlobalTimer's cadence and the
// socket reconnects with backoff.
import { useQueryClient, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { chartKeys } from "../features/chart/api/bars";
import { historyKeys } from "../features/history/api/history";
import { marketKeys } from "../features/markets/api/markets";
import { quoteKeys, type LatestQuotes } from "../features/quotes/api/quotes";
import { sessionKeys } from "../features/sessions/api/events";
import { tradeKeys } from "../features/trade/api/trade";
import { LiveContext, type LiveState } from "../shared/live";
import { notifyEvent, type LiveEvent } from "../shared/notify";
import { healthKeys } from "./health";

interface QuotesMessage extends LatestQuotes { type: "quotes"; partial?: boolean }

function socketUrl(path: string): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}${path}`;
}

const CAPTURES: QueryKey[] = [sessionKeys.all, historyKeys.all, chartKeys.captures];

/** Which queries an event from /ws/events/ makes stale (each a key prefix from its feature's factory). */
const EVENT_QUERIES: Record<string, QueryKey[]> = {
  market_status: [marketKeys.all, healthKeys.all],
  capture: CAPTURES,
  grade: CAPTURES,
  expiry: CAPTURES,
  order: [tradeKeys.all],
  margin_call: [tradeKeys.accounts],
};

function invalidate(client: QueryClient, kind: string) {
  for (const queryKey of EVENT_QUERIES[kind] ?? []) void client.invalidateQueries({ queryKey });
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
      client.setQueryData<LatestQuotes>(quoteKeys.latest, (old) => {
        if (!update.partial || !old) return { rows: update.rows, total: update.total };
        // A partial message carries the changed rows and TOTAL: merge them into the snapshot.
        const changed = new Map(update.rows.map((r) => [r.symbol, r]));
        return { ...old, total: update.total, rows: old.rows.map((r) => changed.get(r.symbol) ?? r) };
      });
    }, (open) => { setQuotesOpen(open); if (!open) setTried(true); });
    const stopEvents = keepOpen("/ws/events/", (message) => {
      invalidate(client, message.type);
      notifyEvent(message as LiveEvent);
    }, (open) => { setEventsOpen(open); if (!open) setTried(true); });
    return () => { stopQuotes(); stopEvents(); };
  }, [client]);
  const state: LiveState = quotesOpen && eventsOpen ? "live" : tried ? "polling" : "connecting";
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}
