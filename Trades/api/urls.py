from django.urls import path

from core import converters  # noqa: F401  (registers the <pk:…> converter)
from Trades.api import views

urlpatterns = [
    path("orders", views.OrderListCreateView.as_view(), name="trades-orders"),
    path("orders/active", views.ActiveOrderListView.as_view(), name="trades-orders-active"),
    path("orders/cancel-all", views.CancelAllView.as_view(), name="trades-orders-cancel-all"),
    path("positions/flatten", views.FlattenView.as_view(), name="trades-positions-flatten"),
    path("orders/from-capture/<pk:pk>", views.CaptureTradeView.as_view(), name="trades-order-from-capture"),
    path("orders/<pk:pk>/cancel", views.CancelOrderView.as_view(), name="trades-order-cancel"),
    path("statements", views.StatementView.as_view(), name="trades-statements"),
    path("statements/export", views.StatementExportView.as_view(), name="trades-statements-export"),
]
