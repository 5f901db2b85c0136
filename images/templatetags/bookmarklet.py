import functools
from urllib.parse import quote

from django import template

from images.bookmarklet import _SAFE, launcher_code, site_url

register = template.Library()


@register.simple_tag(takes_context=True)
def bookmarklet_launcher(context) -> str:
    """The `javascript:` URL of the "Bookmark it" link (see images/bookmarklet.py)."""
    return _javascript_url(launcher_code(site_url(context["request"])))


@functools.lru_cache(maxsize=64)
def _javascript_url(code: str) -> str:
    # Percent-quoting the few kB of launcher code char by char cost more than the rest of the
    # sidebar; the code changes only with the site's address or bookmarklet.js.
    return "javascript:" + quote(code, safe=_SAFE)
