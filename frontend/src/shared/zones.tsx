// Each market's time zone and name by country, for showing times in the market's own clock (issue 25).
// The app provides them from global-markets/markets/; features read them here (features do not
// import each other).
import { createContext, useContext, type ReactNode } from "react";

export type MarketZones = Record<string, { zone: string; place: string }>;

const ZonesContext = createContext<MarketZones>({});

export function MarketZonesProvider({ zones, children }: { zones: MarketZones; children: ReactNode }) {
  return <ZonesContext.Provider value={zones}>{children}</ZonesContext.Provider>;
}

export function useMarketZones(): MarketZones {
  return useContext(ZonesContext);
}
