// The live-push state every page reads (SPEC §14): "live" while both sockets are open (pages stop
// polling), "polling" once one dropped, "connecting" before the first answer. The app's LiveProvider
// owns the sockets and sets it.
import { createContext, useContext } from "react";
import { usePollInterval } from "./timer";

export type LiveState = "connecting" | "live" | "polling";

export const LiveContext = createContext<LiveState>("polling");

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
