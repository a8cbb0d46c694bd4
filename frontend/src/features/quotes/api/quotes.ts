// quotes/latest: 11 rows and TOTAL (SPEC §4). The socket (/ws/quotes/) writes the same query key.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { client, data } from "../../../shared/api/client";
import type { QuoteRow, Total } from "../../../shared/api/types";
import type { PriceDisplay } from "../../../shared/price";

export interface LatestQuotes { rows: QuoteRow[]; total: Total }

/** The quotes feature's query keys (the live socket writes `latest`). */
export const quoteKeys = {
  all: ["quotes"] as const,
  latest: ["quotes", "latest"] as const,
};

export const quotesQueryOptions = () => queryOptions({
  queryKey: quoteKeys.latest,
  queryFn: () => data(client.GET("/api/ThorTrading/quotes/latest")),
});

export function useQuotes(refetchInterval: number | false = false) {
  return useQuery({ ...quotesQueryOptions(), refetchInterval });
}

/** Each symbol's display (precision, decimals or 32nds) from the quote rows' instruments. A plain
 *  object, so TanStack's structural sharing keeps it the same object while only prices change. */
function displays(latest: LatestQuotes): Record<string, PriceDisplay> {
  return Object.fromEntries(latest.rows.map((r) => [r.symbol, {
    display_precision: r.instrument.display_precision, price_format: r.instrument.price_format,
  }]));
}

/** Each symbol's price display, for the app's PriceFormatProvider (shared/price-format). */
export function usePriceDisplays(): Record<string, PriceDisplay> | undefined {
  return useQuery({ ...quotesQueryOptions(), staleTime: Infinity, select: displays }).data;
}
