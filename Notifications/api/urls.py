from django.urls import path

from Notifications.api import views

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notifications"),
    path("settings", views.NotificationSettingsView.as_view(), name="notifications-settings"),
    path("test", views.NotificationTestView.as_view(), name="notifications-test"),
]
