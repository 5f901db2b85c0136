from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from api.v1 import api as api_v1
from bookmarks.i18n import javascript_catalog
from bookmarks.media import serve_media
from bookmarks.queue_admin import queue_health_view
from browser_extension import views as extension_views
from shares import views as shares_views

urlpatterns = [
    path("admin/queue/", queue_health_view, name="queue_health"),
    path("admin/", admin.site.urls),
    path("account/", include("portability.urls", namespace="portability")),
    path("account/extension/connect/", extension_views.connect, name="extension_connect"),
    path("api/v1/", api_v1.urls),
    path("account/tokens/", include("api.urls", namespace="tokens")),
    path("account/", include("account.urls")),
    path("images/comment/", include("comments.urls", namespace="comments")),
    path("images/", include("images.urls", namespace="images")),
    path("boards/", include("boards.urls", namespace="boards")),
    path("notifications/", include("notifications.urls", namespace="notifications")),
    path("search/", include("search.urls", namespace="search")),
    path("share/", include("shares.urls", namespace="shares")),
    # The web app (phones): at the root, so the service worker's scope is the whole site.
    path("manifest.webmanifest", shares_views.manifest, name="manifest"),
    path("sw.js", shares_views.service_worker, name="service_worker"),
    path("offline/", shares_views.offline, name="offline"),
    path("jsi18n/<str:language>/", javascript_catalog, name="javascript_catalog"),
    path("social-auth/", include("social_django.urls", namespace="social")),
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
]

if settings.SERVE_MEDIA and not settings.AWS_STORAGE_BUCKET_NAME:
    # Local disk, DEBUG or not (`make run`, `make serve`); behind nginx it never gets here.
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", serve_media)]
