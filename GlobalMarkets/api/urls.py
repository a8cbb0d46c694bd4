from django.urls import path

from GlobalMarkets.api.views import MarketListView, MarketStatsView

urlpatterns = [
    path("markets/", MarketListView.as_view(), name="global-markets-list"),
    path("stats/", MarketStatsView.as_view(), name="global-markets-stats"),
]
