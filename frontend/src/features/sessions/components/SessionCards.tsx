// The captured-session cards for the drawer's filters, updated live (the socket's capture and grade
// events invalidate them; polling when it is down). Resolved trades raise a notification from an
// effect on the data, never from the query function.
import { useEffect } from "react";
import type { CaptureEvent } from "../../../shared/api/types";
import { useFilters } from "../../../shared/filters/FiltersProvider";
import { useLivePollInterval } from "../../../shared/live";
import { notifyResolved } from "../../../shared/notify";
import { useEvents } from "../api/events";
import { SessionCard, type CardActions } from "./SessionCard";

export function useResolvedNotifications(events: CaptureEvent[] | undefined): void {
  useEffect(() => {
    if (events) notifyResolved(events.flatMap((e) => e.rows ?? []));
  }, [events]);
}

export function SessionCards({ pageSize, emptyText, actions }: { pageSize: number; emptyText: string; actions?: CardActions }) {
  const { query } = useFilters();
  const events = useEvents(query, pageSize, useLivePollInterval(2000, 10000));
  useResolvedNotifications(events.data?.results);
  return (
    <>
      {events.error && <p className="error" role="alert">{String(events.error)}</p>}
      <p className="count">{events.data ? `${events.data.count} ${events.data.count === 1 ? "capture" : "captures"}` : "Loading…"}</p>
      {events.data?.count === 0 && <p className="empty">{emptyText}</p>}
      <div className="session-cards">
        {events.data?.results.map((event) => <SessionCard key={`${event.capture_group}-${event.future ?? "TOTAL"}`} event={event} actions={actions} />)}
      </div>
    </>
  );
}
