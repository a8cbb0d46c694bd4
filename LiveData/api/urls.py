from django.urls import path

from LiveData.api.views import QuoteSnapshotView

urlpatterns = [path("quotes/snapshot", QuoteSnapshotView.as_view(), name="feed-quotes-snapshot")]
