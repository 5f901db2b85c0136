"""Download an image from a URL that a stranger gave us.

URL in, verified image bytes out; this module knows no model. Everything that can go wrong
raises `FetchError` with a reason that can be shown on a form as is.

Defences, in order:
- `check_url`: http/https only, a host, no credentials, a sane length, and IP-literal hosts
  outside the refused ranges; no network and no DNS.
- Every request goes through requests-hardened's connect-time filter: the host is resolved
  once, the resolved address is checked and the connection is pinned to it (no DNS rebinding
  between check and connect). We add the few ranges it lets through (see `_is_refused_ip`).
- Redirects are followed here, one hop at a time, and every hop is checked again.
- One deadline for the whole download, a byte cap while streaming, then the site's one image
  gate on the bytes (bookmarks.imaging: format, pixels and frames from the headers, a full
  decode in a contained child process).
"""

import ipaddress
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from django.conf import settings
from django.core.files.base import ContentFile
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import EXTRA_BLOCKED_NET_RANGES, InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from bookmarks.imaging import ImageError, validate_image

USER_AGENT = "BookmarksBot/1.0 (+image fetch)"
MAX_URL_LENGTH = 2000
CHUNK_SIZE = 64 * 1024

# Content types that say nothing about the content; the bytes decide.
_NEUTRAL_CONTENT_TYPES = {"application/octet-stream", "binary/octet-stream"}


class Messages:
    """Every reason a fetch can fail, worded for the person who pasted the URL."""

    NOT_HTTP = "Only http and https addresses can be used"
    INVALID_URL = "That is not a valid web address"
    URL_TOO_LONG = "That address is too long"
    CREDENTIALS = "Addresses with a user name or password cannot be used"
    UNREACHABLE = "That address is not reachable from here"
    CONNECT_FAILED = "Could not connect to that address"
    TLS_FAILED = "Could not make a secure connection to that address"
    TIMEOUT = "The server took too long to answer"
    TOO_MANY_REDIRECTS = "Too many redirects"
    HTTP_STATUS = "The server answered {status}"
    INTERRUPTED = "The download was interrupted"
    TOO_BIG = "The file is larger than {limit}"
    NOT_AN_IMAGE = "That is not an image ({content_type})"
    # What is wrong with the bytes themselves: bookmarks.imaging.Messages.


class FetchError(Exception):
    """The URL could not be turned into an image; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FetchedImage:
    content: bytes = field(repr=False)
    format: str  # Pillow's name: "JPEG" | "PNG" | "GIF" | "WEBP"
    extension: str  # from the real format, never from the URL (one of imaging.EXTENSIONS)
    width: int
    height: int

    def as_file(self, stem: str) -> ContentFile:
        return ContentFile(self.content, name=f"{stem}.{self.extension}")


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    connect_timeout: float
    total_timeout: float
    max_redirects: int
    allow_loopback: bool

    @classmethod
    def from_settings(cls) -> "_Limits":
        # Read at call time, so tests and deployments can change them without a reload.
        return cls(
            max_bytes=getattr(settings, "IMAGE_FETCH_MAX_BYTES", 10 * 1024 * 1024),
            connect_timeout=getattr(settings, "IMAGE_FETCH_CONNECT_TIMEOUT", 3.0),
            total_timeout=getattr(settings, "IMAGE_FETCH_TOTAL_TIMEOUT", 15.0),
            max_redirects=getattr(settings, "IMAGE_FETCH_MAX_REDIRECTS", 3),
            allow_loopback=bool(getattr(settings, "IMAGE_FETCH_ALLOW_LOOPBACK", False)),
        )


def check_url(url: str) -> str:
    """Return `url` normalized if it may be fetched, else raise FetchError. No network, no DNS.

    Host names are not resolved here; the address they resolve to is checked when connecting.
    """
    return _check_url(url, allow_loopback=_Limits.from_settings().allow_loopback)


def download_image(url: str) -> FetchedImage:
    """Download `url` and return it as a verified JPEG, PNG, GIF or WebP image.

    Raises FetchError (never returns None) when the address is refused or unreachable, the
    server misbehaves, the limits are passed or the bytes are not a whole, supported image.
    """
    limits = _Limits.from_settings()
    deadline = time.monotonic() + limits.total_timeout
    url = _check_url(url, allow_loopback=limits.allow_loopback)
    with _open_session(limits) as session:
        response = _get_following_redirects(session, url, limits, deadline)
        with response:  # closing it drops the connection: an unread rest is never read
            _check_response(response, limits)
            content = _read_body(response, limits, deadline)
    return _verify_image(content, limits)


# --- addresses ---------------------------------------------------------------------------------


def _is_refused_ip(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_loopback: bool
) -> bool:
    """Whether `ip` is outside the public internet (loopback passes only when allowed).

    requests-hardened refuses `is_private`, multicast and a few extra ranges. On this Python
    (3.11.7) that leaves some IPv6 gaps: IPv4-compatible `::10.0.0.1`, site-local `fec0::/10`
    and other reserved blocks. This is the complete policy, used for IP literals in URLs and
    again on the address a host name resolved to.
    """
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return not allow_loopback
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_reserved
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or (ip.version == 6 and ip.is_site_local)
        or any(ip in net for net in EXTRA_BLOCKED_NET_RANGES if net.version == ip.version)
    )


class _AddressFilterAdapter(IPFilterAdapter):
    """requests-hardened's connect-time filter with the gaps of `_is_refused_ip` closed."""

    def __init__(self, *, is_https_proto: bool, allow_loopback: bool):
        super().__init__(is_https_proto=is_https_proto, allow_loopback=allow_loopback)
        self._loopback_allowed = allow_loopback

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        # The parent resolved the host, refused what it knows and pinned the connection to
        # the resolved address ("[…]" for IPv6); nothing has connected yet.
        ip = ipaddress.ip_address(host_params["host"].strip("[]"))
        if _is_refused_ip(ip, allow_loopback=self._loopback_allowed):
            raise InvalidIPAddress(ip)
        return host_params, pool_kwargs


def _check_url(url: str, *, allow_loopback: bool) -> str:
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise FetchError(Messages.URL_TOO_LONG)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a bad port or a malformed IPv6 literal
        raise FetchError(Messages.INVALID_URL) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(Messages.NOT_HTTP)
    host = parts.hostname  # lower-cased, without the brackets of an IPv6 literal
    if not host:
        raise FetchError(Messages.INVALID_URL)
    if parts.username is not None or parts.password is not None:
        raise FetchError(Messages.CREDENTIALS)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None  # a name: resolved and checked when connecting
    if ip is not None and _is_refused_ip(ip, allow_loopback=allow_loopback):
        raise FetchError(Messages.UNREACHABLE)
    netloc = f"[{host}]" if ip is not None and ip.version == 6 else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


# --- HTTP --------------------------------------------------------------------------------------


def _open_session(limits: _Limits) -> requests.Session:
    session = HTTPSession(
        Config(
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=limits.allow_loopback,
            never_redirect=True,  # we follow redirects ourselves, checking every hop
            default_timeout=(limits.connect_timeout, limits.total_timeout),
        )
    )
    for prefix, is_https in (("http://", False), ("https://", True)):
        session.mount(
            prefix,
            _AddressFilterAdapter(is_https_proto=is_https, allow_loopback=limits.allow_loopback),
        )
    # No proxies or .netrc from the environment: a proxy would connect for us, unfiltered.
    session.trust_env = False
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Accept": "image/*",
            # Counting and capping bytes is simpler and safer without a decompressor between.
            "Accept-Encoding": "identity",
        }
    )
    return session


def _seconds_left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(Messages.TIMEOUT)
    return left


def _get_following_redirects(
    session: requests.Session, url: str, limits: _Limits, deadline: float
) -> requests.Response:
    redirects = 0
    while True:
        response = _get(session, url, limits, deadline)
        if not response.is_redirect:
            return response
        location = session.get_redirect_target(response)
        response.close()
        redirects += 1
        if redirects > limits.max_redirects:
            raise FetchError(Messages.TOO_MANY_REDIRECTS)
        url = _check_url(urljoin(url, location), allow_loopback=limits.allow_loopback)


def _get(
    session: requests.Session, url: str, limits: _Limits, deadline: float
) -> requests.Response:
    left = _seconds_left(deadline)
    try:
        return session.get(
            url,
            stream=True,
            allow_redirects=False,
            timeout=(min(limits.connect_timeout, left), left),
        )
    except InvalidIPAddress as exc:
        raise FetchError(Messages.UNREACHABLE) from exc
    except requests.Timeout as exc:
        raise FetchError(Messages.TIMEOUT) from exc
    except requests.exceptions.SSLError as exc:
        raise FetchError(Messages.TLS_FAILED) from exc
    except (requests.exceptions.InvalidURL, requests.exceptions.URLRequired) as exc:
        raise FetchError(Messages.INVALID_URL) from exc
    except requests.RequestException as exc:  # refused, reset, DNS failure, bad HTTP…
        raise FetchError(Messages.CONNECT_FAILED) from exc


def _check_response(response: requests.Response, limits: _Limits) -> None:
    """Refuse on the headers alone, before any of the body is read."""
    if response.status_code != 200:
        raise FetchError(Messages.HTTP_STATUS.format(status=response.status_code))
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and not (
        content_type.startswith("image/") or content_type in _NEUTRAL_CONTENT_TYPES
    ):
        raise FetchError(Messages.NOT_AN_IMAGE.format(content_type=content_type))
    try:
        declared_length = int(response.headers.get("Content-Length", ""))
    except ValueError:
        declared_length = None  # absent or nonsense: the cap while reading still holds
    if declared_length is not None and declared_length > limits.max_bytes:
        raise FetchError(_too_big(limits))


def _read_body(response: requests.Response, limits: _Limits, deadline: float) -> bytes:
    raw = response.raw
    received = bytearray()
    while True:
        _limit_next_wait(raw, _seconds_left(deadline))
        # read1 returns as soon as some bytes arrive, so the deadline is checked between
        # arrivals even when a server drips. Never ask for more than one byte past the cap.
        want = min(CHUNK_SIZE, limits.max_bytes + 1 - len(received))
        try:
            chunk = raw.read1(want, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise FetchError(Messages.TIMEOUT) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchError(Messages.INTERRUPTED) from exc
        if not chunk:
            return bytes(received)
        received += chunk
        if len(received) > limits.max_bytes:
            raise FetchError(_too_big(limits))


def _limit_next_wait(raw: urllib3.HTTPResponse, seconds: float) -> None:
    """Make the next socket read give up at the deadline.

    The read timeout given to requests restarts with every byte received, so on its own it
    does not bound the whole download.
    """
    sock = getattr(raw.connection, "sock", None)
    if sock is not None:
        sock.settimeout(seconds)


def _too_big(limits: _Limits) -> str:
    megabytes = limits.max_bytes / (1024 * 1024)
    limit = f"{megabytes:g} MB" if megabytes >= 1 else f"{limits.max_bytes} bytes"
    return Messages.TOO_BIG.format(limit=limit)


# --- image -------------------------------------------------------------------------------------


def _verify_image(content: bytes, limits: _Limits) -> FetchedImage:
    try:
        info = validate_image(content, max_bytes=limits.max_bytes)
    except ImageError as error:
        raise FetchError(error.message) from error
    return FetchedImage(
        content=content,
        format=info.format,
        extension=info.extension,
        width=info.width,
        height=info.height,
    )
