import { useQuery } from "@tanstack/react-query";
import { api, type MarketRow, type QuoteRow, type Total } from "../api";
import { FutureCard, MarketsTable, Ribbon, TotalCard } from "../components";
import { useLivePollInterval } from "../live";

/** DEMO / REPLAY when the quotes come from the demo walk or a replayed tape, not a live feed. */
function feedBadge(rows: QuoteRow[] | undefined) {
  const sources = new Set(rows?.map((r) => r.source));
  if (sources.has("demo")) return <span className="badge feed demo" title="Quotes from the demo feed: a random walk, not the market">DEMO</span>;
  if (sources.has("replay")) return <span className="badge feed replay" title="Quotes replayed from the tick archive">REPLAY</span>;
  return null;
}

export function Home() {
  const quotesEvery = useLivePollInterval(1000, 5000, "USA");
  const quotes = useQuery({
    queryKey: ["quotes"],
    queryFn: () => api<{ rows: QuoteRow[]; total: Total }>("/api/ThorTrading/quotes/latest"),
    refetchInterval: quotesEvery,
  });
  const markets = useQuery({
    queryKey: ["markets"],
    queryFn: () => api<MarketRow[]>("/api/global-markets/markets/"),
    refetchInterval: useLivePollInterval(5000, 15000),
  });
  return (
    <>
      {quotes.data && <Ribbon rows={quotes.data.rows} />}
      <div className="home">
        <section className="markets-panel">
          <h2>Global markets</h2>
          {markets.data ? <MarketsTable markets={markets.data} /> : <p>{markets.error ? String(markets.error) : "Loading…"}</p>}
        </section>
        <section className="futures-panel">
          <h2>Futures {feedBadge(quotes.data?.rows)}</h2>
          {quotes.error && <p className="error" role="alert">{String(quotes.error)}</p>}
          <div className="cards">
            <TotalCard total={quotes.data?.total} />
            {quotes.data?.rows.map((row) => <FutureCard key={row.symbol} row={row} />)}
          </div>
        </section>
      </div>
    </>
  );
}
