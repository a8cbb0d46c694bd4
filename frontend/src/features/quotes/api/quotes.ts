// quotes/latest: 11 rows and TOTAL (SPEC §4). The socket (/ws/quotes/) writes the same query key.
import { queryOptions, useQuery } from "@tanstack/react-query";
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

/** How each symbol shows its prices (tick decimals or 32nds), from the quote rows' instruments. */
const FALLBACK: PriceDisplay = { display_precision: 2 };

/** `(value, symbol) → text` in the symbol's own display (ZB in 32nds); TOTAL trades YM. */
export function usePriceFormat(): (value: number | null | undefined, symbol: string) => string {
  const quotes = useQuery({ ...quotesQueryOptions(), staleTime: Infinity });
  const bySymbol = new Map(quotes.data?.rows.map((r) => [r.symbol, r.instrument as PriceDisplay]) ?? []);
  return (value, symbol) => formatPrice(value, bySymbol.get(symbol === "TOTAL" ? "YM" : symbol) ?? FALLBACK);
}
