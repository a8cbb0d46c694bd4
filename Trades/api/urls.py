from django.urls import path

from Trades.api import views

urlpatterns = [
    path("orders", views.OrderListCreateView.as_view(), name="trades-orders"),
    path("orders/active", views.ActiveOrderListView.as_view(), name="trades-orders-active"),
    path("orders/<int:pk>/cancel", views.CancelOrderView.as_view(), name="trades-order-cancel"),
    path("statements", views.StatementView.as_view(), name="trades-statements"),
]
