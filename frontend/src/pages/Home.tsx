import { useQuery } from "@tanstack/react-query";
import { api, type MarketRow, type QuoteRow, type Total } from "../api";
import { FutureCard, MarketsTable, Ribbon, TotalCard } from "../components";
import { usePollInterval } from "../timer";

export function Home() {
  const quotesEvery = usePollInterval(1000, 5000, "USA");
  const quotes = useQuery({
    queryKey: ["quotes"],
    queryFn: () => api<{ rows: QuoteRow[]; total: Total }>("/api/ThorTrading/quotes/latest"),
    refetchInterval: quotesEvery,
  });
  const markets = useQuery({
    queryKey: ["markets"],
    queryFn: () => api<MarketRow[]>("/api/global-markets/markets/"),
    refetchInterval: usePollInterval(5000, 15000),
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
          <h2>Futures</h2>
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
