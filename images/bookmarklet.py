"""The "Bookmark it" launcher: the `javascript:` URL users drag to their bookmarks bar.

It stays small and rarely changes, because old copies live on in people's browsers. It loads
static/js/bookmarklet.js from our site (with an hourly cache-buster, so new code reaches old
launchers) and shows nothing itself. When that script cannot load (the page's CSP, mixed content
on an HTTPS page, a network error, or no answer within 1.5 s), it falls back to a picker window
on our site: it collects the page's images itself, with the very function bookmarklet.js uses
(copied from between its `bookmarks:rules` markers, so both paths offer the same images), and
posts them to /images/pick/ with postMessage, addressed to our origin only.
"""

import functools
import json
import re
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

SCRIPT = "js/bookmarklet.js"
LOAD_TIMEOUT_MS = 1500
EMPTY_MESSAGE = gettext_noop("No images large enough on this page")
_RULES = re.compile(
    r"/\* bookmarks:rules:start.*?\*/(?P<code>.*?)/\* bookmarks:rules:end \*/", re.DOTALL
)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_STRING = re.compile(r"""("(?:[^"\\\n]|\\.)*")""")
_PUNCTUATION = "{}()[];,=:<>|&!?*/%+-"
_SPACE = re.compile(" ")
# Everything printable stays readable, except what a javascript: URL would change: `%` (it is
# percent-decoded), `#`, whitespace and `\`.
_SAFE = "!\"$&'()*+,-./:;<=>?@[]^_`{|}~"

# __CONFIG__ and __RULES__ are filled in by `launcher_code`. No line comments: the code is
# joined into one line.
_LAUNCHER = """
(function () {
  var w = window, d = document, C = __CONFIG__, B = w.__bookmarksBookmarklet, s, t, over = 0;
  if (B) { if (B.show) { B.show(); } return; }
  B = w.__bookmarksBookmarklet = {create: C.create};
  __RULES__
  function fallback() {
    collectImages(d, function (images) {
      if (!images.length) { alert(C.empty); return; }
      var p = w.open(C.pick, "bookmarks_pick", "width=820,height=680"), n = 0, i;
      var message = {type: "bookmarks:candidates", title: d.title, page: d.URL, images: images};
      function send() { if (p && !p.closed) { p.postMessage(message, C.origin); } }
      function ready(e) {
        var data = e.data;
        if (e.source === p && e.origin === C.origin && data && data.type === "bookmarks:ready") {
          send(); clearInterval(i); w.removeEventListener("message", ready);
        }
      }
      w.addEventListener("message", ready);
      i = setInterval(function () { send(); if (++n > 40) { clearInterval(i); } }, 250);
    });
  }
  function fail() {
    if (over) { return; }
    over = 1; B.failed = 1; B.show = fallback; end(); fallback();
  }
  function end() { clearTimeout(t); d.removeEventListener("securitypolicyviolation", csp); }
  function csp(e) { if (String(e.blockedURI).indexOf(C.origin) === 0) { fail(); } }
  B.fallback = fallback;
  d.addEventListener("securitypolicyviolation", csp);
  t = setTimeout(fail, C.timeout);
  s = d.createElement("script");
  s.onload = function () { if (B.show && !over) { over = 1; end(); } else { fail(); } };
  s.onerror = fail;
  s.src = C.script + "?v=" + Math.floor(Date.now() / 36e5);
  (d.head || d.documentElement).appendChild(s);
})();
"""


def site_url(request) -> str:
    """Our absolute base URL without a trailing slash: SITE_URL, else the request's."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def _minify(code: str) -> str:
    """Drop comments and the whitespace next to punctuation, outside string literals.

    Enough for our own, known code (the launcher and the rules): it has no line comments and no
    spaces inside regular-expression literals, which this does not recognise.
    """
    code = _COMMENT.sub("", code)
    pieces = _STRING.split(code)  # odd items are string literals, kept as they are
    for index in range(0, len(pieces), 2):
        pieces[index] = _SPACE.sub(_space_or_nothing, re.sub(r"\s+", " ", pieces[index]))
    return "".join(pieces).strip()


def _space_or_nothing(match: re.Match) -> str:
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before not in _PUNCTUATION and after not in _PUNCTUATION:
        return " "  # between two words: `var x`, `return best`
    if before == after and before in "+-":
        return " "  # `a - -b` is not `a--b`
    return ""


def collect_rules() -> str:
    """The `collectImages` function of static/js/bookmarklet.js (the canonical rules)."""
    path = finders.find(SCRIPT)
    if not path:
        raise RuntimeError(f"{SCRIPT} not found by the staticfiles finders")
    return _rules_in(path, Path(path).stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _rules_in(path: str, mtime_ns: int) -> str:
    # Read once per version of the file (the modification time is part of the cache key).
    return rules_in_source(Path(path).read_text(encoding="utf-8"))


def rules_in_source(source: str) -> str:
    """The code between the `bookmarks:rules` markers of bookmarklet.js's `source`: the one
    copy of the rules, used by the launcher and built into the browser extension (see
    extension/build.py)."""
    match = _RULES.search(source)
    if not match:
        raise RuntimeError(f"{SCRIPT} has no bookmarks:rules markers")
    return match.group("code")


def launcher_code(base: str) -> str:
    """The launcher's JavaScript for the site at `base` (scheme://host[:port]), its message in
    the active language (the launcher is dragged from a page in that language)."""
    return _launcher_code(base, collect_rules(), settings.STATIC_URL, gettext(EMPTY_MESSAGE))


@functools.lru_cache(maxsize=64)
def _launcher_code(base: str, rules: str, static_url: str, empty: str) -> str:
    # Built (and minified) once per site address, version of the rules and language, not per
    # request.
    parts = urlsplit(base)
    config = {
        "origin": f"{parts.scheme}://{parts.netloc}",
        "script": urljoin(base + "/", static_url + SCRIPT),
        "create": base + reverse("images:create"),
        "pick": base + reverse("images:pick"),
        "timeout": LOAD_TIMEOUT_MS,
        "empty": empty,
    }
    code = _LAUNCHER.replace("__CONFIG__", json.dumps(config, separators=(",", ":")))
    code = code.replace("__RULES__", rules)
    return _minify(code)


def launcher_url(request) -> str:
    """The `javascript:` URL of the launcher link, for the site this request reached."""
    return "javascript:" + quote(launcher_code(site_url(request)), safe=_SAFE)
