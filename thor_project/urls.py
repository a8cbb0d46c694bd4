"""Thor's URL map (SPEC §9)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from thor_project.api import HealthView, MeView, SessionLoginView, SessionLogoutView, TokenLoginView, TokenRevokeView
from thor_project.views import dashboard
from ThorTrading.api import seed_paths

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("admin/", admin.site.urls),
    path("api/auth/login/", SessionLoginView.as_view(), name="auth-login"),
    path("api/auth/logout/", SessionLogoutView.as_view(), name="auth-logout"),
    path("api/auth/me/", MeView.as_view(), name="auth-me"),
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/auth/token/", TokenLoginView.as_view(), name="auth-token"),
    path("api/auth/token/revoke/", TokenRevokeView.as_view(), name="auth-token-revoke"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/ThorTrading/", include("ThorTrading.api.urls")),
    # The design documents' paths (the market-open plan's API summary), aliases of the views above.
    path("api/futures/", include(seed_paths.futures_urlpatterns)),
    path("api/future-trading/", include(seed_paths.future_trading_urlpatterns)),
    path("api/feed/", include("LiveData.api.urls")),
    path("api/global-markets/", include("GlobalMarkets.api.urls")),
    path("api/actandpos/", include("ActAndPos.api.urls")),
    path("api/trades/", include("Trades.api.urls")),
    path("api/notifications/", include("Notifications.api.urls")),
]

handler404 = "thor_project.views.not_found"
handler500 = "thor_project.views.server_error"
