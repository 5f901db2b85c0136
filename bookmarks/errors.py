"""Our own error pages (templates/404.html, 403.html, 400.html, 500.html, 403_csrf.html): the
site's header, a way home, readable on a phone. Django's default handlers render the first four;
this module adds the CSRF failure page and keeps a view's 404 branded under DEBUG too."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: 'this form expired, try again' (never Django's page, which talks
    about DEBUG and cookies settings to visitors). Try again leads back to the page the form
    was on when it is one of ours, else home."""
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    retry_url = referer if referer and same_site else "/"
    return render(request, "403_csrf.html", {"retry_url": retry_url}, status=403)


class BrandedNotFoundMiddleware:
    """With DEBUG on, Django answers a view's Http404 with its technical page; ours shows the
    site's own (addresses that match no URL at all still get Django's page, for developers,
    readable thanks to the CSP middleware's DEBUG allowance)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        return None
