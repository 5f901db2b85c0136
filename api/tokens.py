"""Personal access tokens: made, checked, revoked. The one module that knows their format
(`bm_` + 43 URL-safe characters: 256 random bits) and how they are stored (SHA-256 hex; a
secret this long needs no slow hash, and a lookup by hash is one indexed query)."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from .models import Scope, Token

PREFIX = "bm_"
MAX_ACTIVE_TOKENS = 50
# last_used is written at most this often per token: one UPDATE a minute, not one a request.
LAST_USED_PRECISION = timedelta(minutes=1)
EXPIRY_CHOICES = {"never": None, "30": 30, "90": 90, "365": 365}  # days


class TokenRefused(Exception):
    """A token that cannot be used, with the reason (answered 401)."""


class TokenLimit(Exception):
    """The person already has MAX_ACTIVE_TOKENS tokens in force."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    *, user, name: str, scope: str = Scope.READ, expires_in_days: int | None = None
) -> tuple[Token, str]:
    """A new token of `user`; returns it with its secret, which is never kept and cannot be
    shown again. Raises TokenLimit past MAX_ACTIVE_TOKENS tokens in force."""
    now = timezone.now()
    with transaction.atomic():
        active = active_tokens(user).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise TokenLimit(
                ngettext(
                    "You have %(count)s token; revoke one you no longer use to make another.",
                    "You have %(count)s tokens; revoke one you no longer use to make another.",
                    active,
                )
                % {"count": active}
            )
        secret = PREFIX + secrets.token_urlsafe(32)
        token = Token.objects.create(
            user=user,
            name=name,
            prefix=secret[: len(PREFIX) + 6],
            key_hash=hash_secret(secret),
            scope=Scope(scope),
            created=now,
            expires=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
    return token, secret


def active_tokens(user):
    """The user's tokens that are neither revoked nor expired, newest first."""
    now = timezone.now()
    return Token.objects.filter(user=user, revoked__isnull=True).exclude(expires__lte=now)


def tokens_of(user) -> list[Token]:
    """All the user's tokens for the profile page (revoked and expired ones too, marked so),
    newest first. One query."""
    return list(Token.objects.filter(user=user).order_by("-created", "-id")[:200])


def revoke_token(*, user, token_id: int) -> Token:
    """Revoke the user's token (for good). Token.DoesNotExist for anybody else's."""
    token = Token.objects.get(pk=token_id, user=user)
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    return token


def authenticate(secret: str) -> Token:
    """The token whose secret this is, with its user, and its last use noted (at most once a
    minute). Raises TokenRefused for an unknown, revoked or expired token or an inactive
    account. One query (two when last_used is written)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        raise TokenRefused("That is not a valid token.")
    try:
        token = Token.objects.select_related("user").get(key_hash=hash_secret(secret))
    except Token.DoesNotExist:
        raise TokenRefused("That is not a valid token.") from None
    now = timezone.now()
    if token.revoked is not None:
        raise TokenRefused("This token was revoked.")
    if token.is_expired(now):
        raise TokenRefused("This token has expired.")
    if not token.user.is_active:
        raise TokenRefused("This account is not active.")
    if token.last_used is None or now - token.last_used >= LAST_USED_PRECISION:
        Token.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token
