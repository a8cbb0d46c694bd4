import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { FilterDrawer } from "../features/filters/components/FilterDrawer";
import { useMarkets } from "../features/markets/api/markets";
import { usePriceDisplays } from "../features/quotes/api/quotes";
import { api, ApiError, client as thor, data } from "../shared/api/client";
import { FiltersProvider } from "../shared/filters/FiltersProvider";
import { readHash } from "../shared/hash";
import { LiveBadge } from "../shared/live";
import { askForNotifications, notificationsWanted, stopNotifications } from "../shared/notify";
import { PriceFormatProvider } from "../shared/price-format";
import { MarketZonesProvider } from "../shared/zones";
import { GlobalTimerProvider, useGlobalTimer, usePollInterval } from "../shared/timer";
import { healthQueryOptions } from "./health";
import { LiveProvider } from "./LiveProvider";
import { History } from "./pages/History";
import { Home } from "./pages/Home";
import { Login } from "./pages/Login";
import { Research } from "./pages/Research";
import { Sessions } from "./pages/Sessions";
import { Settings } from "./pages/Settings";
import { Trade } from "./pages/Trade";

type Route = "home" | "sessions" | "history" | "research" | "trade" | "settings";

function routeFromHash(): Route {
  const { page } = readHash();
  return page === "sessions" || page === "history" || page === "research" || page === "trade" || page === "settings" ? page : "home";
}

function Clock() {
  const { now, marketStatus } = useGlobalTimer();
  return (
    <span className="clock mono" title="Thor's clock (UTC)">
      {now.toISOString().slice(0, 19).replace("T", " ")} UTC
      {marketStatus && ` · ${marketStatus.open_markets.length ? `open: ${marketStatus.open_markets.join(", ")}` : "all closed"}`}
    </span>
  );
}

function FeedMode() {
  const health = useQuery({ ...healthQueryOptions(), refetchInterval: usePollInterval(10000, 10000) });
  const mode = health.data?.feed.mode;
  if (mode !== "demo" && mode !== "replay") return null;
  return <span className={`badge feed ${mode}`} title="Thor's quotes are not a live feed">{mode.toUpperCase()}</span>;
}

function Shell({ user, isStaff, onLogout }: { user: string; isStaff: boolean; onLogout: () => void }) {
  const [route, setRoute] = useState<Route>(routeFromHash());
  const [notify, setNotify] = useState(notificationsWanted());
  const markets = useMarkets(false).data;
  const zones = useMemo(
    () => Object.fromEntries((markets ?? []).map((m) => [m.country, { zone: m.timezone, place: m.display_name }])),
    [markets],
  );
  useEffect(() => {
    const onHash = () => setRoute(routeFromHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const toggleNotify = async () => {
    if (notify) {
      stopNotifications();
      setNotify(false);
    } else {
      setNotify(await askForNotifications());
    }
  };
  return (
    <div className="shell">
      <nav>
        <strong className="brand" title="Thor">THOR&apos;S WAR ROOM</strong>
        <span className="badge paper" title="Every order is simulated on a paper account: no real money moves">PAPER TRADING</span>
        <FeedMode />
        <LiveBadge />
        <a href="#/" className={route === "home" ? "active" : ""}>Home</a>
        <a href="#/sessions" className={route === "sessions" ? "active" : ""}>Sessions</a>
        <a href="#/history" className={route === "history" ? "active" : ""}>History</a>
        <a href="#/research" className={route === "research" ? "active" : ""}>Research</a>
        <a href="#/trade" className={route === "trade" ? "active" : ""}>Trade</a>
        <a href="#/settings" className={route === "settings" ? "active" : ""}>Notifications</a>
        <Clock />
        <label className="notify"><input type="checkbox" checked={notify} onChange={toggleNotify} /> browser notifications</label>
        <span className="user">{user}</span>
        <button type="button" onClick={onLogout}>Log out</button>
      </nav>
      <FiltersProvider>
        <PriceFormatProvider displays={usePriceDisplays()}>
        <MarketZonesProvider zones={zones}>
        <main>
          {route === "home" && <Home isStaff={isStaff} />}
          {route === "sessions" && <Sessions />}
          {route === "history" && <History />}
          {route === "research" && <Research />}
          {route === "trade" && <Trade />}
          {route === "settings" && <Settings />}
        </main>
        <FilterDrawer />
        </MarketZonesProvider>
        </PriceFormatProvider>
      </FiltersProvider>
    </div>
  );
}

function Gate() {
  const client = useQueryClient();
  const me = useQuery({
    queryKey: ["me"],
    queryFn: () => data(thor.GET("/api/auth/me/")) as Promise<{ authenticated: boolean; username: string | null; is_staff?: boolean }>,
    retry: false,
  });
  if (me.isLoading) return <p className="loading">Loading…</p>;
  const expired = me.error instanceof ApiError && (me.error.status === 401 || me.error.status === 403);
  if (expired || (me.data && !me.data.authenticated)) {
    return <Login onLogin={() => client.invalidateQueries()} />;
  }
  if (me.error) {
    return <p className="error" role="alert">Thor is not answering: {String(me.error)}</p>;
  }
  const logout = async () => {
    await api("/api/auth/logout/", { method: "POST" }).catch(() => undefined);
    client.clear();
    await client.invalidateQueries();
  };
  return (
    <GlobalTimerProvider>
      <LiveProvider>
        <Shell user={me.data?.username ?? ""} isStaff={Boolean(me.data?.is_staff)} onLogout={logout} />
      </LiveProvider>
    </GlobalTimerProvider>
  );
}

export function App({ client }: { client?: QueryClient }) {
  const [queryClient] = useState(() => client ?? new QueryClient({ defaultOptions: { queries: { staleTime: 500 } } }));
  return (
    <QueryClientProvider client={queryClient}>
      <Gate />
    </QueryClientProvider>
  );
}
