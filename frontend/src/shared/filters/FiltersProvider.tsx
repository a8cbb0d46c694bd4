// One set of drawer filters for the whole dashboard: Home's session cards, Sessions and History
// read the same filters, so narrowing one narrows the others alike. They live in the address
// (`#/history?country=USA&status=WORKED&page=3`: a view can be bookmarked and shared) and, for the
// pages without them in the address, per tab (sessionStorage).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { readHash, updateHashParams } from "../hash";
import { useGlobalTimer } from "../timer";
import { EMPTY_FILTERS, toQuery, type Filters } from "./filters";
import { readFilters, writeFilters } from "./url";

const KEY = "thor.filters";
/** The pages that list captures: only their addresses carry the filters. */
const FILTERED_PAGES = new Set(["", "sessions", "history"]);

function writeToAddress(filters: Filters): void {
  if (FILTERED_PAGES.has(readHash().page)) updateHashParams((params) => writeFilters(params, filters));
}

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
  const fromAddress = readFilters(readHash().params);
  if (fromAddress) return fromAddress;
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? { ...EMPTY_FILTERS, ...(JSON.parse(raw) as Partial<Filters>) } : EMPTY_FILTERS;
  } catch {
    return EMPTY_FILTERS;
  }
}

export function FiltersProvider({ children }: { children: ReactNode }) {
  const [filters, setFiltersState] = useState<Filters>(stored);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { now } = useGlobalTimer();
  const day = now.toISOString().slice(0, 10); // the query changes once a day, not every second
  const query = useMemo(() => toQuery(filters, new Date(`${day}T00:00:00Z`)), [filters, day]);
  const setFilters = useCallback((next: Filters) => {
    setFiltersState(next);
    // New filters select other rows: back to their first page.
    updateHashParams((params) => params.delete("page"));
  }, []);
  useEffect(() => {
    sessionStorage.setItem(KEY, JSON.stringify(filters));
    writeToAddress(filters);
  }, [filters]);
  useEffect(() => {
    // Back/forward or a pasted address: take its filters when it has some.
    const onHash = () => {
      const found = readFilters(readHash().params);
      if (found) setFiltersState((current) => (JSON.stringify(current) === JSON.stringify(found) ? current : found));
      else writeToAddress(filters);
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, [filters]);
  const value = useMemo(() => ({ filters, setFilters, query, drawerOpen, setDrawerOpen }), [filters, setFilters, query, drawerOpen]);
  return <FiltersContext.Provider value={value}>{children}</FiltersContext.Provider>;
}

export function useFilters(): FiltersState {
  const state = useContext(FiltersContext);
  if (!state) throw new Error("useFilters outside FiltersProvider");
  return state;
}

/** The page number in the address (`page`, 1 when absent) and its setter. */
export function usePageParam(): [number, (page: number) => void] {
  const read = () => Math.max(1, Number(readHash().params.get("page")) || 1);
  const [page, setPageState] = useState(read);
  useEffect(() => {
    const onHash = () => setPageState(read());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const setPage = useCallback((next: number) => {
    setPageState(next);
    updateHashParams((params) => (next > 1 ? params.set("page", String(next)) : params.delete("page")));
  }, []);
  return [page, setPage];
}
