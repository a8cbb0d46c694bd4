import { lazy, Suspense, useState } from "react";
import { FilterButton } from "../../features/filters/components/FilterDrawer";
import { useMarkets } from "../../features/markets/api/markets";
import { MarketsTable } from "../../features/markets/components/MarketsTable";
import { useQuotes } from "../../features/quotes/api/quotes";
import { FutureCard, Ribbon, TotalCard } from "../../features/quotes/components/QuoteCards";
import { SessionCards } from "../../features/sessions/components/SessionCards";
import { Today } from "../Today";
import type { QuoteRow } from "../../shared/api/types";
import { useLivePollInterval } from "../../shared/live";
import { tradeCaptureAction } from "../cardActions";

const FUTURES_KEY = "thor.home.futures";
// lightweight-charts loads with the first chart opened, not with the dashboard
const IntradayChart = lazy(() => import("../../features/chart/components/IntradayChart").then((m) => ({ default: m.IntradayChart })));

/** DEMO / REPLAY when the quotes come from the demo walk or a replayed tape, not a live feed. */
function feedBadge(rows: QuoteRow[] | undefined) {
  const sources = new Set(rows?.map((r) => r.source));
  if (sources.has("demo")) return <span className="badge feed demo" title="Quotes from the demo feed: a random walk, not the market">DEMO</span>;
  if (sources.has("replay")) return <span className="badge feed replay" title="Quotes replayed from the tick archive">REPLAY</span>;
  return null;
}

/** The war room (the market-open plan's Home): Global Markets full width, or 40/60 beside the futures
 *  cards when the Futures toggle is on (remembered per browser); the captured-session cards under
 *  the markets; a future card opens its intraday chart. */
export function Home({ isStaff = false }: { isStaff?: boolean }) {
  // The plan's default: Global Markets full width; the Futures toggle splits it 40/60 (remembered).
  const [showFutures, setShowFutures] = useState(() => localStorage.getItem(FUTURES_KEY) === "1");
  const [chartSymbol, setChartSymbol] = useState<string | null>(null);
  const quotes = useQuotes(useLivePollInterval(1000, 5000, "USA"));
  const markets = useMarkets(useLivePollInterval(5000, 15000));
  const toggleFutures = () => {
    localStorage.setItem(FUTURES_KEY, showFutures ? "0" : "1");
    setShowFutures(!showFutures);
  };
  const chartRow = quotes.data?.rows.find((r) => r.symbol === chartSymbol);
  return (
    <>
      {quotes.data && <Ribbon rows={quotes.data.rows} />}
      <div className={`home ${showFutures ? "split" : "full"}`}>
        <div className="markets-column">
          <Today isStaff={isStaff} />
          <section className="markets-panel">
            <header className="toolbar">
              <h2>Global markets</h2>
              <label className="toggle"><input type="checkbox" checked={showFutures} onChange={toggleFutures} /> Futures</label>
            </header>
            {markets.data ? <MarketsTable markets={markets.data} /> : <p>{markets.error ? String(markets.error) : "Loading…"}</p>}
          </section>
          <section className="sessions-panel" aria-label="Captured sessions">
            <header className="toolbar">
              <h2>Captured sessions</h2>
              <FilterButton />
            </header>
            <SessionCards pageSize={12} emptyText="No captures yet: each market's open is captured when it opens." actions={tradeCaptureAction} />
          </section>
        </div>
        {showFutures && (
          <section className="futures-panel">
            <h2>Futures {feedBadge(quotes.data?.rows)}</h2>
            {quotes.error && <p className="error" role="alert">{String(quotes.error)}</p>}
            {chartRow && (
              <Suspense fallback={<p className="empty">Loading the chart…</p>}>
                <IntradayChart key={chartRow.symbol} row={chartRow} onClose={() => setChartSymbol(null)} />
              </Suspense>
            )}
            <div className="cards">
              <TotalCard total={quotes.data?.total} />
              {quotes.data?.rows.map((row) => (
                <FutureCard key={row.symbol} row={row} selected={row.symbol === chartSymbol}
                            onOpen={() => setChartSymbol(row.symbol === chartSymbol ? null : row.symbol)} />
              ))}
            </div>
          </section>
        )}
      </div>
    </>
  );
}
