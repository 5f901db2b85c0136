"""The site's URLs plus /bench/trivial/: the cheapest Django response, the benchmark's yardstick
(full middleware stack, no database, no template)."""

from django.http import HttpResponse
from django.urls import path

from bookmarks.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *site_urlpatterns]
