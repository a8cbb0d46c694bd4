from django.urls import path

from core import converters  # noqa: F401  (registers the <pk:…> converter)
from ThorTrading.api import backtests, capture_now, close, intraday, quotes, sessions, sweeps

urlpatterns = [
    path("quotes/latest", quotes.LatestQuotesView.as_view(), name="quotes-latest"),
    path("quotes/ribbon", quotes.RibbonQuotesView.as_view(), name="quotes-ribbon"),
    path("market-opens/", sessions.MarketSessionListView.as_view(), name="market-opens-list"),
    path("market-opens/today/", sessions.TodayMarketSessionsView.as_view(), name="market-opens-today"),
    path("market-opens/pending/", sessions.PendingMarketSessionsView.as_view(), name="market-opens-pending"),
    path("market-opens/stats/", sessions.MarketSessionStatsView.as_view(), name="market-opens-stats"),
    path("market-opens/insight/", sessions.MarketSessionInsightView.as_view(), name="market-opens-insight"),
    path(
        "market-opens/captures/<pk:capture_group>/",
        sessions.CaptureRowsView.as_view(),
        name="market-opens-capture-rows",
    ),
    path("market-opens/capture", capture_now.CaptureNowView.as_view(), name="market-opens-capture"),
    path("market-opens/events/", sessions.MarketSessionEventsView.as_view(), name="market-opens-events"),
    path("market-opens/export", sessions.MarketSessionExportView.as_view(), name="market-opens-export"),
    path("market-opens/latest/", sessions.LatestPerMarketSessionsView.as_view(), name="market-opens-latest"),
    path("intraday/bars", intraday.IntradayBarsView.as_view(), name="intraday-bars"),
    path("vwap", intraday.VwapView.as_view(), name="vwap"),
    path("52w/", intraday.FiftyTwoWeekView.as_view(), name="52w"),
    path("market-close/capture", close.MarketCloseCaptureView.as_view(), name="market-close-capture"),
    path("backtests/", backtests.BacktestListCreateView.as_view(), name="backtests"),
    path("backtests/<pk:pk>/", backtests.BacktestDetailView.as_view(), name="backtests-detail"),
    path("sweeps/", sweeps.SweepListCreateView.as_view(), name="sweeps"),
    path("sweeps/<pk:pk>/", sweeps.SweepDetailView.as_view(), name="sweeps-detail"),
    path("sweeps/<pk:pk>/cancel", sweeps.SweepCancelView.as_view(), name="sweeps-cancel"),
    path("market-opens/<pk:pk>/", sessions.MarketSessionDetailView.as_view(), name="market-opens-detail"),
]
