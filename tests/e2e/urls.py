"""The site's URLs plus media files, for the browser tests (DEBUG is off in tests, so
bookmarks.urls does not serve MEDIA_ROOT, and each test has its own MEDIA_ROOT)."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", media),
    path("", include("bookmarks.urls")),
]
