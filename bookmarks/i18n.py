"""Which language a page is in, and the JavaScript side of the translations.

A page's language is, in order: the one a signed-in person chose (copied from their Profile
into the session at login, so no query per page), the visitor's `django_language` cookie
(set by the chooser), then the browser's Accept-Language, then English. The REST API
(/api/) always answers in English. The scripts' strings
come from Django's JavaScript catalog at /jsi18n/<language>/, cacheable for a day: its URL
carries the language and a version of the compiled catalogues, so a deploy changes it.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.i18n import JavaScriptCatalog

SESSION_KEY = "language"
API_PREFIX = "/api/"


def offered(code) -> str | None:
    """`code` when it is one of the site's languages (settings.LANGUAGES), else None."""
    return code if code in dict(settings.LANGUAGES) else None


class PersonLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware that first honours the signed-in person's choice (in the session)."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(API_PREFIX):
            # The REST API's problem documents are for programs: always English.
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return None
        session = getattr(request, "session", None)
        chosen = offered(session.get(SESSION_KEY)) if session is not None else None
        if chosen is None:
            return super().process_request(request)
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
        return None


@cache
def catalogue_version() -> str:
    """A short digest of the compiled catalogues (.mo files) this process serves."""
    digest = hashlib.sha256()
    for root in [*map(Path, settings.LOCALE_PATHS)]:
        for mo in sorted(root.rglob("*.mo")):
            digest.update(mo.as_posix().encode())
            digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


_catalog = JavaScriptCatalog.as_view(domain="djangojs")


def javascript_catalog(request: HttpRequest, language: str) -> HttpResponse:
    """gettext(), ngettext() and interpolate() for static/js, in `language`."""
    if offered(language) is None:
        raise Http404("No such language")
    with translation.override(language):
        response = _catalog(request)
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


def i18n(request: HttpRequest) -> dict:
    """Context processor: the version in the script catalogue's URL (base.html)."""
    return {"catalogue_version": catalogue_version()}
