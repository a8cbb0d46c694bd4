// Prices in each instrument's own display (ZB in 32nds), for any component: the app provides each
// symbol's display from the quotes (the quotes feature reads them); components ask usePriceFormat.
import { createContext, useCallback, useContext, type ReactNode } from "react";
import { formatPrice, type PriceDisplay } from "./price";

const DisplaysContext = createContext<Record<string, PriceDisplay> | undefined>(undefined);

/** Provides each symbol's display; keep `displays` the same object while no display changes (the
 *  quotes query's structural sharing does), so price cells re-render only when one does. */
export function PriceFormatProvider({ displays, children }: { displays: Record<string, PriceDisplay> | undefined; children: ReactNode }) {
  return <DisplaysContext.Provider value={displays}>{children}</DisplaysContext.Provider>;
}

/** How a symbol shows its prices when its quote has not arrived yet. */
const FALLBACK: PriceDisplay = { display_precision: 2 };

/** `(value, symbol) → text` in the symbol's own display (ZB in 32nds); TOTAL trades YM. Re-renders
 *  its component only when a display changes, not on every pushed quote (session cards and rows
 *  use it by the dozen). */
export function usePriceFormat(): (value: number | null | undefined, symbol: string) => string {
  const bySymbol = useContext(DisplaysContext);
  return useCallback(
    (value, symbol) => formatPrice(value, bySymbol?.[symbol === "TOTAL" ? "YM" : symbol] ?? FALLBACK),
    [bySymbol],
  );
}
