import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { FilterDrawer } from "../features/filters/components/FilterDrawer";
import { usePriceDisplays } from "../features/quotes/api/quotes";
import { api, ApiError, client as thor, data } from "../shared/api/client";
import { FiltersProvider } from "../shared/filters/FiltersProvider";
import { LiveBadge } from "../shared/live";
import { askForNotifications, notificationsWanted, stopNotifications } from "../shared/notify";
import { PriceFormatProvider } from "../shared/price-format";
import { GlobalTimerProvider, useGlobalTimer, usePollInterval } from "../shared/timer";
import { healthQueryOptions } from "./health";
import { LiveProvider } from "./LiveProvider";
import { History } from "./pages/History";
import { Home } from "./pages/Home";
import { Login } from "./pages/Login";
import { Sessions } from "./pages/Sessions";
import { Trade } from "./pages/Trade";

type Route = "home" | "sessions" | "history" | "trade";

function routeFromHash(): Route {
  const hash = window.location.hash.replace(/^#\/?/, "");
  return hash === "sessions" || hash === "history" || hash === "trade" ? hash : "home";
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

function Shell({ user, onLogout }: { user: string; onLogout: () => void }) {
  const [route, setRoute] = useState<Route>(routeFromHash());
  const [notify, setNotify] = useState(notificationsWanted());
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
        <a href="#/trade" className={route === "trade" ? "active" : ""}>Trade</a>
        <Clock />
        <label className="notify"><input type="checkbox" checked={notify} onChange={toggleNotify} /> notify when a trade resolves</label>
        <span className="user">{user}</span>
        <button type="button" onClick={onLogout}>Log out</button>
      </nav>
      <FiltersProvider>
        <PriceFormatProvider displays={usePriceDisplays()}>
        <main>
          {route === "home" && <Home />}
          {route === "sessions" && <Sessions />}
          {route === "history" && <History />}
          {route === "trade" && <Trade />}
        </main>
        <FilterDrawer />
        </PriceFormatProvider>
      </FiltersProvider>
    </div>
  );
}

function Gate() {
  const client = useQueryClient();
  const me = useQuery({
    queryKey: ["me"],
    queryFn: () => data(thor.GET("/api/auth/me/")) as Promise<{ authenticated: boolean; username: string | null }>,
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
        <Shell user={me.data?.username ?? ""} onLogout={logout} />
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
