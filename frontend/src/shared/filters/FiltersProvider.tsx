// One set of drawer filters for the whole dashboard: Home's session cards, Sessions and History
// read the same filters, so narrowing one narrows the others alike. Kept per tab (sessionStorage).
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useGlobalTimer } from "../timer";
import { EMPTY_FILTERS, toQuery, type Filters } from "./filters";

const KEY = "thor.filters";

interface FiltersState {
  filters: Filters;
  setFilters: (filters: Filters) => void;
  /** the API query string of `filters` on Thor's clock's day */
  query: string;
  drawerOpen: boolean;
  setDrawerOpen: (open: boolean) => void;
}

const FiltersContext = createContext<FiltersState | null>(null);

function stored(): Filters {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? { ...EMPTY_FILTERS, ...(JSON.parse(raw) as Partial<Filters>) } : EMPTY_FILTERS;
  } catch {
    return EMPTY_FILTERS;
  }
}

export function FiltersProvider({ children }: { children: ReactNode }) {
  const [filters, setFilters] = useState<Filters>(stored);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { now } = useGlobalTimer();
  const day = now.toISOString().slice(0, 10); // the query changes once a day, not every second
  const query = useMemo(() => toQuery(filters, new Date(`${day}T00:00:00Z`)), [filters, day]);
  useEffect(() => sessionStorage.setItem(KEY, JSON.stringify(filters)), [filters]);
  const value = useMemo(() => ({ filters, setFilters, query, drawerOpen, setDrawerOpen }), [filters, query, drawerOpen]);
  return <FiltersContext.Provider value={value}>{children}</FiltersContext.Provider>;
}

export function useFilters(): FiltersState {
  const state = useContext(FiltersContext);
  if (!state) throw new Error("useFilters outside FiltersProvider");
  return state;
}
