import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type CaptureEvent, type Page, type SessionRow } from "../api";
import { SessionCard } from "../components";
import { notifyResolved } from "../notify";
import { useLivePollInterval } from "../live";

export interface Filters {
  start: string; end: string; country: string; signal: string; status: string; future: string;
}

export const EMPTY_FILTERS: Filters = { start: "", end: "", country: "", signal: "", status: "", future: "" };

export function toQuery(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return params.toString();
}

const MARKETS = ["Japan", "China", "India", "Germany", "United Kingdom", "Pre_USA", "USA", "Canada", "Mexico"];
const SIGNALS = ["STRONG_BUY", "BUY", "HOLD", "SELL", "STRONG_SELL"];
const OUTCOMES = ["WORKED", "DIDNT_WORK", "PENDING", "NEUTRAL", "EXPIRED"];

export function FilterDrawer({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => onChange({ ...filters, [key]: e.target.value });
  return (
    <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>From <input type="date" value={filters.start} onChange={set("start")} /></label>
      <label>To <input type="date" value={filters.end} onChange={set("end")} /></label>
      <label>Market <select value={filters.country} onChange={set("country")} name="country">
        <option value="">all</option>{MARKETS.map((m) => <option key={m}>{m}</option>)}</select></label>
      <label>Signal <select value={filters.signal} onChange={set("signal")} name="signal">
        <option value="">all</option>{SIGNALS.map((m) => <option key={m}>{m}</option>)}</select></label>
      <label>Outcome <select value={filters.status} onChange={set("status")} name="status">
        <option value="">all</option>{OUTCOMES.map((m) => <option key={m}>{m}</option>)}</select></label>
      <label>Future <input value={filters.future} onChange={set("future")} placeholder="TOTAL" name="future" /></label>
      <button type="button" onClick={() => onChange(EMPTY_FILTERS)}>Clear</button>
    </form>
  );
}

export function Sessions() {
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [drawer, setDrawer] = useState(false);
  const query = toQuery(filters);
  const every = useLivePollInterval(2000, 10000);
  const events = useQuery({
    queryKey: ["events", query],
    queryFn: async () => {
      const page = await api<Page<CaptureEvent>>(`/api/ThorTrading/market-opens/events/?rows=1&page_size=50&${query}`);
      notifyResolved(page.results.flatMap((e) => (e.rows ?? []).map((r: SessionRow) => ({ ...r }))));
      return page;
    },
    refetchInterval: every,
  });
  return (
    <section className="sessions">
      <header className="toolbar">
        <h2>Captured sessions</h2>
        <button type="button" onClick={() => setDrawer(!drawer)} aria-expanded={drawer}>Filters</button>
      </header>
      {drawer && <FilterDrawer filters={filters} onChange={setFilters} />}
      {events.error && <p className="error" role="alert">{String(events.error)}</p>}
      <p className="count">{events.data ? `${events.data.count} captures` : "Loading…"}</p>
      <div className="session-cards">
        {events.data?.results.map((event) => <SessionCard key={event.capture_group} event={event} />)}
      </div>
    </section>
  );
}
