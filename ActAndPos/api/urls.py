from django.urls import path

from ActAndPos.api import views

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<int:pk>/positions/", views.PositionListView.as_view(), name="account-positions"),
]
