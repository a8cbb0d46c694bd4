// One clock for every page (SPEC §12): a 1-second tick, `now`, and the market status from
// /api/global-markets/stats/ every 10 ticks. The tick pauses while the tab is hidden.
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { client, data } from "./api/client";
import type { MarketStats } from "./api/types";

export interface GlobalTimer {
  tick: number;
  now: Date;
  marketStatus: MarketStats | null;
  visible: boolean;
}

const TimerContext = createContext<GlobalTimer>({ tick: 0, now: new Date(), marketStatus: null, visible: true });

export function GlobalTimerProvider({ children, intervalMs = 1000 }: { children: ReactNode; intervalMs?: number }) {
  const [tick, setTick] = useState(0);
  const [visible, setVisible] = useState(() => typeof document === "undefined" || !document.hidden);
  const [marketStatus, setMarketStatus] = useState<MarketStats | null>(null);
  const [offsetMs, setOffsetMs] = useState(0);
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    const onVisibility = () => setVisible(!document.hidden);
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, []);

  useEffect(() => {
    if (!visible) return;
    const id = window.setInterval(() => {
      setTick((t) => t + 1);
      setNow(new Date(Date.now() + offsetMs));
    }, intervalMs);
    return () => window.clearInterval(id);
  }, [visible, intervalMs, offsetMs]);

  useEffect(() => {
    if (tick % 10 !== 0 || !visible) return;
    let cancelled = false;
    data(client.GET("/api/global-markets/stats/"))
      .then((stats) => {
        if (cancelled) return;
        setMarketStatus(stats);
        // Thor may run on a simulated clock: follow the server's now, not the browser's.
        const offset = new Date(stats.now).getTime() - Date.now();
        setOffsetMs(offset);
        setNow(new Date(Date.now() + offset));
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [tick, visible]);

  return <TimerContext.Provider value={{ tick, now, marketStatus, visible }}>{children}</TimerContext.Provider>;
}

export function useGlobalTimer(): GlobalTimer {
  return useContext(TimerContext);
}

/** Poll faster while the market that matters is open, slower when closed, never while hidden. */
export function usePollInterval(openMs: number, closedMs: number, country?: string): number | false {
  const { marketStatus, visible } = useGlobalTimer();
  if (!visible) return false;
  const open = country ? marketStatus?.open_markets.includes(country) : marketStatus?.any_open;
  return open ? openMs : closedMs;
}
