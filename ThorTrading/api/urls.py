from django.urls import path

from core import converters  # noqa: F401  (registers the <pk:…> converter)
from ThorTrading.api import backtests, views

urlpatterns = [
    path("quotes/latest", views.LatestQuotesView.as_view(), name="quotes-latest"),
    path("quotes/ribbon", views.RibbonQuotesView.as_view(), name="quotes-ribbon"),
    path("market-opens/", views.MarketSessionListView.as_view(), name="market-opens-list"),
    path("market-opens/today/", views.TodayMarketSessionsView.as_view(), name="market-opens-today"),
    path("market-opens/pending/", views.PendingMarketSessionsView.as_view(), name="market-opens-pending"),
    path("market-opens/stats/", views.MarketSessionStatsView.as_view(), name="market-opens-stats"),
    path("market-opens/insight/", views.MarketSessionInsightView.as_view(), name="market-opens-insight"),
    path("market-opens/events/", views.MarketSessionEventsView.as_view(), name="market-opens-events"),
    path("market-opens/export", views.MarketSessionExportView.as_view(), name="market-opens-export"),
    path("market-opens/latest/", views.LatestPerMarketSessionsView.as_view(), name="market-opens-latest"),
    path("intraday/bars", views.IntradayBarsView.as_view(), name="intraday-bars"),
    path("vwap", views.VwapView.as_view(), name="vwap"),
    path("52w/", views.FiftyTwoWeekView.as_view(), name="52w"),
    path("market-close/capture", views.MarketCloseCaptureView.as_view(), name="market-close-capture"),
    path("backtests/", backtests.BacktestListCreateView.as_view(), name="backtests"),
    path("backtests/<pk:pk>/", backtests.BacktestDetailView.as_view(), name="backtests-detail"),
    path("market-opens/<pk:pk>/", views.MarketSessionDetailView.as_view(), name="market-opens-detail"),
]
