"""Which colour theme a page is drawn in (<html data-theme=...>, static/css/site.css).

A signed-in person's choice lives on their Profile; at login it is copied into the session,
so pages read it without a query. Visitors (and anyone, as a fallback) have a cookie. The
server writes the theme into the page, so nothing flashes and no script is needed.
"""

from django.http import HttpRequest, HttpResponse

from .models import Profile, Theme

COOKIE = "theme"
SESSION_KEY = "theme"
COOKIE_AGE = 365 * 24 * 3600


def _valid(value) -> str | None:
    return value if value in Theme.values else None


def theme_for(request: HttpRequest) -> str:
    """The theme of this request: the person's (from the session), else the cookie's, else
    "system" (follow prefers-color-scheme)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is not None and user is not None and user.is_authenticated:
        chosen = _valid(session.get(SESSION_KEY))
        if chosen:
            return chosen
    return _valid(request.COOKIES.get(COOKIE)) or Theme.SYSTEM


def remember(request: HttpRequest, response: HttpResponse, theme: str) -> None:
    """Keep `theme` for this browser (cookie) and, when signed in, this session."""
    response.set_cookie(COOKIE, theme, max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    if request.user.is_authenticated:
        request.session[SESSION_KEY] = theme


def copy_to_session(sender, request, user, **kwargs) -> None:
    """user_logged_in: the person's saved theme follows them to every browser they log in on."""
    if request is None or not hasattr(request, "session"):
        return
    saved = Profile.objects.filter(user=user).values_list("theme", flat=True).first()
    request.session[SESSION_KEY] = saved or Theme.SYSTEM


def theme(request: HttpRequest) -> dict:
    """Context processor: `theme` for base.html's <html data-theme>."""
    return {"theme": theme_for(request), "themes": Theme}
