"""Who is on the other end: the client's address, read correctly behind a proxy.

gunicorn's `--forwarded-allow-ips` does not change `REMOTE_ADDR`, so behind nginx every visitor
would share the proxy's address (and one bad password would count against everyone). The
`TrustedProxyMiddleware` replaces `REMOTE_ADDR` with the client's address, taken from
`X-Forwarded-For`, but only when the request came from a proxy listed in `TRUSTED_PROXIES`:
anyone else could write that header. Everything downstream (django-axes, rate limits, view
counting) then reads `REMOTE_ADDR` and gets the client.

`client_key` is what limits and counters are keyed on: an IPv4 address as is, an IPv6 address
as its /64 network (one household or server gets a whole /64; counting single IPv6 addresses
would give an attacker 2**64 fresh starts).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def parse_ip(value: str) -> IPAddress | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:5678"
        value = value.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _is_trusted(ip: IPAddress | None, proxies: tuple[IPNetwork, ...]) -> bool:
    return ip is not None and any(ip.version == net.version and ip in net for net in proxies)


def resolve_client_ip(remote_addr: str, forwarded_for: str) -> str:
    """The client's address: `remote_addr`, or, when that is a trusted proxy, the right-most
    address of `forwarded_for` that is not a trusted proxy (the left part can be forged by the
    client; each trusted proxy appends the address it saw)."""
    proxies = trusted_proxies()
    peer = parse_ip(remote_addr)
    if not _is_trusted(peer, proxies) or not forwarded_for:
        return str(peer) if peer is not None else remote_addr
    hops = [parse_ip(part) for part in forwarded_for.split(",")]
    for hop in reversed(hops):
        if hop is None:
            break  # garbage in the chain: trust nothing further left
        if not _is_trusted(hop, proxies):
            return str(hop)
    return str(peer)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def client_key(request) -> str:
    """The client for counting purposes: an IPv4 address, or an IPv6 /64 network."""
    return address_key(client_ip(request))


def address_key(address: str) -> str:
    ip = parse_ip(address)
    if ip is None:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class TrustedProxyMiddleware:
    """Put the client's address in REMOTE_ADDR when a trusted proxy forwarded the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if trusted_proxies():
            request.META["REMOTE_ADDR"] = resolve_client_ip(
                request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
            )
        return self.get_response(request)
