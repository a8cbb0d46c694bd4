// The captured-session cards for the drawer's filters, updated live (the socket's capture and grade
// events invalidate them; polling when it is down). With `paged`, page numbers in the address walk
// through all of history (issue 25); without, the latest `pageSize`.
import { useFilters, usePageParam } from "../../../shared/filters/FiltersProvider";
import { useLivePollInterval } from "../../../shared/live";
import { Pager } from "../../../shared/ui/Pager";
import { useEvents } from "../api/events";
import { SessionCard, type CardActions } from "./SessionCard";

export function SessionCards({ pageSize, emptyText, actions, paged = false }: {
  pageSize: number; emptyText: string; actions?: CardActions; paged?: boolean;
}) {
  const { query } = useFilters();
  const [addressPage, setPage] = usePageParam();
  const page = paged ? addressPage : 1;
  const events = useEvents(query, pageSize, useLivePollInterval(2000, 10000), page);
  const count = events.data?.count ?? 0;
  return (
    <>
      {events.error && <p className="error" role="alert">{String(events.error)}</p>}
      {paged && events.data ? (
        <Pager page={page} pageSize={pageSize} count={count} noun={["capture", "captures"]} onPage={setPage} />
      ) : (
        <p className="count">{events.data ? `${count} ${count === 1 ? "capture" : "captures"}` : "Loading…"}</p>
      )}
      {events.data?.count === 0 && <p className="empty">{emptyText}</p>}
      <div className="session-cards">
        {events.data?.results.map((event) => <SessionCard key={`${event.capture_group}-${event.future ?? "TOTAL"}`} event={event} actions={actions} />)}
      </div>
      {paged && events.data && count > pageSize && (
        <Pager page={page} pageSize={pageSize} count={count} noun={["capture", "captures"]} onPage={setPage} />
      )}
    </>
  );
}
