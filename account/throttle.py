"""Login throttling: how django-axes counts wrong passwords here (settings: AXES_*).

The policy (README, *Safety*):

- **per account and client**: `LOGIN_FAILURE_LIMIT` wrong passwords for one account from one
  client pause logins to that account from that client for `LOGIN_COOLOFF_MINUTES`;
- **per client**: `LOGIN_CLIENT_FAILURE_LIMIT` wrong passwords from one client, whatever the
  accounts, pause every login from it;
- a client is an IPv4 address or an IPv6 /64 (`bookmarks.clientip`), read behind trusted
  proxies by `TrustedProxyMiddleware`;
- an account is the account the typed name or e-mail leads to, in any case: "Alice",
  "alice" and "alice@example.com" share one count;
- a successful login forgets only that account's failures from that client.

Nothing locks an account from everywhere: that would let anyone lock anyone out.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, Sum

from bookmarks.clientip import address_key, client_ip, parse_ip


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client as an address axes can store (its ip_address is an
    IP field): an IPv4 address, the first address of the client's IPv6 /64, or None when the
    request carries no readable address (e.g. a test's force_login)."""
    if parse_ip(client_ip(request)) is None:
        return None
    return address_key(client_ip(request)).split("/", 1)[0]


def account_name(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the username of the account the login names (by username or
    e-mail, any case), so that spellings of one account share a count; for a name that leads
    to no account, the name itself, lower-cased."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = (credentials or {}).get(field) if credentials else None
    if typed is None and request is not None:
        typed = getattr(request, "POST", {}).get(field)
    if not typed:
        return None
    typed = str(typed).strip()[:255]
    cache = getattr(request, "_account_names", None) if request is not None else None
    if cache is not None and typed in cache:
        return cache[typed]
    users = get_user_model()._default_manager.filter(
        Q(username__iexact=typed) | (Q(email__iexact=typed) & ~Q(email=""))
    )
    names = {name.lower(): name for name in users.values_list("username", flat=True)[:2]}
    # A username match wins over an e-mail match, as the login backends try usernames first.
    name = names.get(typed.lower()) or (next(iter(names.values())) if len(names) == 1 else None)
    name = name or typed.lower()
    if request is not None:
        if cache is None:
            cache = request._account_names = {}
        cache[typed] = name
    return name


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler with two limits instead of one.

    AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"]]: axes records, and on success
    resets, failures per account and client. This adds the per-client ceiling: a client past
    LOGIN_CLIENT_FAILURE_LIMIT counts as locked for every account.
    """

    def get_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        counts = recent.aggregate(
            client=Sum("failures_since_start"),
            account=Sum("failures_since_start", filter=Q(username=username)),
        )
        per_account, per_client = counts["account"] or 0, counts["client"] or 0
        if per_client >= settings.LOGIN_CLIENT_FAILURE_LIMIT:
            return max(per_account, get_failure_limit(request, credentials))
        return per_account


WARN_WHEN_LEFT = 2


def attempts_left(request, credentials) -> int | None:
    """How many more wrong passwords this login (account and client) may make before the
    pause, counting the one just refused; None when axes has not looked at this request."""
    if getattr(request, "axes_ip_address", None) is None:
        return None
    failures = LoginThrottle().get_failures(request, credentials)
    return max(0, get_failure_limit(request, credentials) - failures)
