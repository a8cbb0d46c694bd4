// The filter drawer as a slide-out panel: date presets, multi-select markets, signals, outcomes,
// futures and weekdays. Every page that lists captures reads the same filters (FiltersProvider).
import { useEffect } from "react";
import { activeCount, EMPTY_FILTERS, FUTURES, MARKETS, OUTCOMES, PRESETS, SIGNALS, toggle, WEEKDAYS, type Filters } from "../../../shared/filters/filters";
import { useFilters } from "../../../shared/filters/FiltersProvider";

const LABEL: Record<string, string> = { DIDNT_WORK: "DIDN'T WORK", STRONG_BUY: "STRONG BUY", STRONG_SELL: "STRONG SELL", Pre_USA: "Pre-USA" };

function Choices({ legend, name, options, values, onChange }: {
  legend: string; name: string; options: string[]; values: string[]; onChange: (values: string[]) => void;
}) {
  return (
    <fieldset className="choices" aria-label={legend}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} className={values.includes(option) ? "on" : ""}>
          <input type="checkbox" name={name} value={option} checked={values.includes(option)}
                 onChange={() => onChange(toggle(values, option, options))} />
          {LABEL[option] ?? option}
        </label>
      ))}
    </fieldset>
  );
}

export function FilterButton() {
  const { filters, drawerOpen, setDrawerOpen } = useFilters();
  const count = activeCount(filters);
  return (
    <button type="button" className="filter-button" onClick={() => setDrawerOpen(!drawerOpen)} aria-expanded={drawerOpen}
            aria-controls="filter-drawer" aria-label={count > 0 ? `Filters (${count} set)` : "Filters"}>
      Filters{count > 0 && <span className="count-badge">{count}</span>}
    </button>
  );
}

export function FilterDrawer() {
  const { filters, setFilters, drawerOpen, setDrawerOpen } = useFilters();
  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape") setDrawerOpen(false); };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [drawerOpen, setDrawerOpen]);
  return (
    <aside id="filter-drawer" className={`drawer ${drawerOpen ? "open" : ""}`} aria-label="Filters" aria-hidden={!drawerOpen}
           inert={!drawerOpen}>
      <header>
        <h2>Filters</h2>
        <button type="button" onClick={() => setDrawerOpen(false)} aria-label="Close filters">×</button>
      </header>
      <fieldset className="choices presets" aria-label="Dates">
        <legend>Dates</legend>
        {PRESETS.map((p) => (
          <label key={p.value} className={filters.preset === p.value ? "on" : ""}>
            <input type="radio" name="preset" value={p.value} checked={filters.preset === p.value}
                   onChange={() => set({ preset: p.value })} />
            {p.label}
          </label>
        ))}
      </fieldset>
      {filters.preset === "custom" && (
        <div className="custom-dates">
          <label>From <input type="date" name="start" value={filters.start} onChange={(e) => set({ start: e.target.value })} /></label>
          <label>To <input type="date" name="end" value={filters.end} onChange={(e) => set({ end: e.target.value })} /></label>
        </div>
      )}
      <Choices legend="Markets" name="country" options={MARKETS} values={filters.countries} onChange={(countries) => set({ countries })} />
      <Choices legend="Signals" name="signal" options={SIGNALS} values={filters.signals} onChange={(signals) => set({ signals })} />
      <Choices legend="Outcomes" name="status" options={OUTCOMES} values={filters.outcomes} onChange={(outcomes) => set({ outcomes })} />
      <Choices legend="Futures" name="future" options={FUTURES} values={filters.futures} onChange={(futures) => set({ futures })} />
      <Choices legend="Weekdays" name="weekday" options={WEEKDAYS} values={filters.weekdays} onChange={(weekdays) => set({ weekdays })} />
      <fieldset className="choices" aria-label="Stale quotes">
        <legend>Stale quotes</legend>
        <label className={filters.stale ? "on" : ""} title="Trades captured on a quote the feed had stopped updating are left out of the statistics unless you ask">
          <input type="checkbox" name="stale" checked={filters.stale} onChange={(e) => set({ stale: e.target.checked })} />
          Include trades on stale quotes
        </label>
      </fieldset>
      <footer>
        <button type="button" onClick={() => setFilters(EMPTY_FILTERS)}>Clear all</button>
        <button type="button" onClick={() => setDrawerOpen(false)}>Done</button>
      </footer>
    </aside>
  );
}
