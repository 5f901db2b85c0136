"""Who may open the event stream, without a database: signed values the site hands out.

`EventCookieMiddleware` (in the site) gives a logged-in person a `bm_events` cookie: their id,
signed with SECRET_KEY and timestamped (HttpOnly, SameSite=Lax; path / so the site sees it
and renews it only when it is old, not on every response).
The event process (bookmarks.events) checks the signature and age, and so needs no session
lookup. The cookie is renewed every few hours while the person browses and deleted on the
first page they see logged out; a stolen one is worth at most COOKIE_MAX_AGE of events.

A dashboard also gets a feed token: the signed ids of the people it follows (at most
FEED_MAX_ACTORS; beyond that the dashboard polls), so the stream can subscribe to them.
"""

from django.conf import settings
from django.core import signing

COOKIE_NAME = "bm_events"
COOKIE_MAX_AGE = 24 * 3600
RENEW_AFTER = 6 * 3600
FEED_MAX_ACTORS = 500
_SALT = "bookmarks.events.cookie"
_FEED_SALT = "bookmarks.events.feed"


def cookie_for(user_id: int) -> str:
    return signing.dumps(user_id, salt=_SALT)


def user_id_from(value: str, *, max_age: int = COOKIE_MAX_AGE) -> int | None:
    if not value:
        return None
    try:
        user_id = signing.loads(value, salt=_SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return user_id if isinstance(user_id, int) else None


def feed_token(user_id: int, actor_ids: list[int]) -> str:
    return signing.dumps([user_id, sorted(actor_ids)], salt=_FEED_SALT, compress=True)


def actor_ids_from(token: str, user_id: int) -> list[int]:
    if not token:
        return []
    try:
        owner, ids = signing.loads(token, salt=_FEED_SALT, max_age=COOKIE_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return []
    if owner != user_id or not isinstance(ids, list):
        return []
    return [i for i in ids[:FEED_MAX_ACTORS] if isinstance(i, int)]


class EventCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        current = request.COOKIES.get(COOKIE_NAME, "")
        if user is not None and user.is_authenticated:
            if user_id_from(current, max_age=RENEW_AFTER) != user.pk:
                response.set_cookie(
                    COOKIE_NAME,
                    cookie_for(user.pk),
                    max_age=COOKIE_MAX_AGE,
                    path="/",
                    secure=settings.HTTPS,
                    httponly=True,
                    samesite="Lax",
                )
        elif current:
            response.delete_cookie(COOKIE_NAME, path="/", samesite="Lax")
        return response
