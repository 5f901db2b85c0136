"""How the API knows who asks: a personal access token in `Authorization: Bearer …` (the
only place a token is read: a token in the query string is refused), or, for same-site
JavaScript, the session with its CSRF token. Each operation names the scope it needs
(`READ` or `WRITE` below); a session may do both.

Every authenticated request also counts against the per-token (or per-person) rate limit
in Redis, `api` in bookmarks/ratelimit.py."""

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from bookmarks import ratelimit

from . import tokens
from .models import Scope, Token
from .problems import Problem

QUERY_TOKEN_NAMES = ("token", "access_token", "api_key", "key", "bearer")


class BearerToken(HttpBearer):
    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest):
        if any(name in request.GET for name in QUERY_TOKEN_NAMES):
            # Query strings end up in logs and Referer headers: never read a token there.
            raise Problem(
                400, "Send the token in the Authorization header (Bearer), never in the address."
            )
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Problem(401, "Use the header “Authorization: Bearer <your token>”.")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str):
        try:
            found = tokens.authenticate(token)
        except tokens.TokenRefused as refusal:
            raise Problem(401, str(refusal)) from None
        if self.scope == Scope.WRITE and not found.can_write:
            raise Problem(403, "This token may only read: make one with the write scope.")
        count_request(f"t{found.pk}")
        request.user = found.user
        return found


class Session(APIKeyCookie):
    """Django's session, for the site's own pages; unsafe methods need the CSRF token
    (X-CSRFToken header), as every form of the site does."""

    param_name = "sessionid"

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None  # nobody to check CSRF for: "not authenticated" (401), not 403
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key):
        if request.user.is_authenticated:
            count_request(f"u{request.user.pk}")
            return request.user
        return None


def count_request(key: str) -> None:
    try:
        ratelimit.hit("api", key, message="Too many requests with this token: slow down.")
    except ratelimit.RateLimited as refusal:
        raise Problem(
            429, refusal.message, headers={"Retry-After": str(refusal.retry_after)}
        ) from None


def token_of(request) -> Token | None:
    return request.auth if isinstance(request.auth, Token) else None


READ = [BearerToken(Scope.READ), Session()]
WRITE = [BearerToken(Scope.WRITE), Session()]
