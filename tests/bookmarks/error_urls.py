"""The site's URLs plus views that fail on purpose, for tests/bookmarks/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a malformed request")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("fail/403/", forbidden),
    path("fail/400/", suspicious),
    path("fail/500/", broken),
    path("", include("bookmarks.urls")),
]
