// quotes/latest: 11 rows and TOTAL (SPEC §4). The socket (/ws/quotes/) writes the same query key.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { api, type QuoteRow, type Total } from "../../../api";
import { formatPrice, type PriceDisplay } from "../../../price";

export interface LatestQuotes { rows: QuoteRow[]; total: Total }

export const quotesQueryOptions = () => queryOptions({
  queryKey: ["quotes"],
  queryFn: () => api<LatestQuotes>("/api/ThorTrading/quotes/latest"),
});

export function useQuotes(refetchInterval: number | false = false) {
  return useQuery({ ...quotesQueryOptions(), refetchInterval });
}

/** How a symbol shows its prices when its quote has not arrived yet. */
const FALLBACK: PriceDisplay = { display_precision: 2 };

/** Each symbol's display (precision, decimals or 32nds) from the quote rows' instruments. A plain
 *  object, so TanStack's structural sharing keeps it the same object while only prices change. */
function displays(data: LatestQuotes): Record<string, PriceDisplay> {
  return Object.fromEntries(data.rows.map((r) => [r.symbol, {
    display_precision: r.instrument.display_precision, price_format: r.instrument.price_format,
  }]));
}

/** `(value, symbol) → text` in the symbol's own display (ZB in 32nds); TOTAL trades YM. Re-renders
 *  its component only when a display changes, not on every pushed quote (session cards and rows
 *  use it by the dozen). */
export function usePriceFormat(): (value: number | null | undefined, symbol: string) => string {
  const { data: bySymbol } = useQuery({ ...quotesQueryOptions(), staleTime: Infinity, select: displays });
  return useCallback(
    (value, symbol) => formatPrice(value, bySymbol?.[symbol === "TOTAL" ? "YM" : symbol] ?? FALLBACK),
    [bySymbol],
  );
}
