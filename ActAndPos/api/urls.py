from django.urls import path

from ActAndPos.api import views
from core import converters  # noqa: F401  (registers the <pk:…> converter)

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path("margins/", views.ContractMarginListView.as_view(), name="margins"),
    path("accounts/<pk:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<pk:pk>/auto-trade", views.AccountAutoTradeView.as_view(), name="account-auto-trade"),
    path("accounts/<pk:pk>/positions/", views.PositionListView.as_view(), name="account-positions"),
]
