"""Download an image from a URL that a stranger gave us.

URL in, verified image bytes out; this module knows no model. Everything that can go wrong
raises `FetchError` with a reason that can be shown on a form as is.

Defences, in order:
- `check_url`: http/https only, a host, no credentials, a sane length, and IP-literal hosts
  outside the refused ranges; no network and no DNS.
- Ports: 80, 443 and 1024–65535, less the ports of well-known services that are not HTTP
  (`_REFUSED_PORTS`). Below 1024 nearly every port is a mail, file, directory or login
  service; above it, images are sometimes served on 8080, 8443, 3000… but databases, caches
  and brokers listen too, and several of them read an HTTP request as commands.
- Every request goes through requests-hardened's connect-time filter: the host is resolved
  once, the resolved address is checked and the connection is pinned to it (no DNS rebinding
  between check and connect). We add the few ranges it lets through (see `_is_refused_ip`).
- Redirects are followed here, one hop at a time, and every hop is checked again (address,
  port, scheme).
- One wall-clock deadline (`_Deadline`) over everything: name resolution runs in a worker
  thread that is given up on at the deadline, a watchdog shuts the socket down at the deadline
  (the socket timeout alone restarts with every byte), and at most `MAX_INTERIM_RESPONSES`
  `100 Continue` answers are skipped. No proxy or .netrc from the environment.
- A byte cap while streaming, then the site's one image gate on the bytes (bookmarks.imaging:
  format, pixels and frames from the headers, a full decode in a contained child process).

What a prober learns. Whoever pastes a URL sees our answer, so the answer must not turn the
server into a port scanner. Everything that goes wrong before a whole response head has
arrived reads the same, `Messages.CANNOT_DOWNLOAD`: no such name, a name that resolves to a
refused address (else the answer would list the names our resolver knows inside), refused,
reset, filtered, silent, TLS failure, not HTTP, too many interim answers, the deadline.
Once a server has answered in HTTP, the person gets the reasons they can act on: the status
("The server answered 404"), not an image, too big, too slow while sending the body, damaged.
Refusals decided from the URL alone (scheme, IP literal, port) say what they are: they tell
nothing about any network. Timing still differs (refused is quick, filtered takes the connect
timeout, silent the whole deadline); padding every failure to the deadline would hold a worker
for each, so the per-person in-flight lock and rate limit (images/services.py) bound that.
"""

import http.client
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
import urllib3.connection
import urllib3.connectionpool
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_noop
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import EXTRA_BLOCKED_NET_RANGES, InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from bookmarks.imaging import ImageError, validate_image

_T = TypeVar("_T")

USER_AGENT = "BookmarksBot/1.0 (+image fetch)"
MAX_URL_LENGTH = 2000
CHUNK_SIZE = 64 * 1024
# We never send `Expect: 100-continue`, so a server has no reason to send even one; RFC 9110
# lets it, and http.client skips them for as long as they come.
MAX_INTERIM_RESPONSES = 3
# Ports of services that are not HTTP (and that no image is served from), refused on top of
# everything below 1024 but 80 and 443. The Fetch standard's "bad ports" above 1023, which
# browsers refuse for the same reason, then databases, caches, brokers and control planes:
# several read an HTTP request line by line as commands (Redis, memcached).
_REFUSED_PORTS = frozenset(
    {
        *(1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566),  # Fetch standard
        *(6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080),  # Fetch standard (IRC, Amanda)
        1080,  # SOCKS
        *(1433, 1521, 3306, 5432, 9042, 27017),  # MSSQL, Oracle, MySQL, PostgreSQL, CQL, Mongo
        *(5984, 9200, 9300),  # CouchDB, Elasticsearch
        *(6379, 11211),  # Redis, memcached
        *(4369, 5672, 9092),  # Erlang epmd, AMQP, Kafka
        *(2375, 2376, 2379, 2380, 6443, 10250),  # Docker, etcd, Kubernetes API, kubelet
        *(3389, 5900),  # RDP, VNC
    }
)

# Content types that say nothing about the content; the bytes decide.
_NEUTRAL_CONTENT_TYPES = {"application/octet-stream", "binary/octet-stream"}


class Messages:
    """Every reason a fetch can fail, worded for the person who pasted the URL. In English
    (a job stores them on the row); images.reasons translates them as they are shown."""

    NOT_HTTP = gettext_noop("Only http and https addresses can be used")
    INVALID_URL = gettext_noop("That is not a valid web address")
    URL_TOO_LONG = gettext_noop("That address is too long")
    CREDENTIALS = gettext_noop("Addresses with a user name or password cannot be used")
    UNREACHABLE = gettext_noop("That address is not reachable from here")
    PORT_REFUSED = gettext_noop("Addresses on that port cannot be used")
    # Anything that goes wrong before a server has answered in HTTP: see the module docstring.
    CANNOT_DOWNLOAD = gettext_noop("Could not download the image from that address")
    TIMEOUT = gettext_noop("The server took too long to answer")  # while sending the body
    TOO_MANY_REDIRECTS = gettext_noop("Too many redirects")
    HTTP_STATUS = gettext_noop("The server answered %(status)s")
    INTERRUPTED = gettext_noop("The download was interrupted")
    TOO_BIG = gettext_noop("The file is larger than %(limit)s")
    NOT_AN_IMAGE = gettext_noop("That is not an image (%(content_type)s)")
    # What is wrong with the bytes themselves: bookmarks.imaging.Messages.


class FetchError(Exception):
    """The URL could not be turned into an image; `message` says why, for the user.

    `transient`: the network or the server failed (no answer, a 5xx, a body cut short), so
    trying again later may work; refusals (not an image, too big, a refused address) are not.
    """

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.message = message
        self.transient = transient


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
    """Download `url` and return it as a verified JPEG, PNG, GIF, WebP, HEIC or AVIF image.

    Raises FetchError (never returns None) when the address is refused or unreachable, the
    server misbehaves, the limits are passed or the bytes are not a whole, supported image.
    """
    limits = _Limits.from_settings()
    url = _check_url(url, allow_loopback=limits.allow_loopback)
    with _Deadline(limits.total_timeout) as deadline, _open_session(limits, deadline) as session:
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


def _is_allowed_port(port: int) -> bool:
    return port in (80, 443) or (1024 <= port <= 65535 and port not in _REFUSED_PORTS)


class _AddressFilterAdapter(IPFilterAdapter):
    """requests-hardened's connect-time filter with the gaps of `_is_refused_ip` closed, its
    name resolution held to the deadline and connections that the deadline can cut."""

    def __init__(self, *, is_https_proto: bool, allow_loopback: bool, deadline: "_Deadline"):
        super().__init__(is_https_proto=is_https_proto, allow_loopback=allow_loopback)
        self._loopback_allowed = allow_loopback
        self._deadline = deadline
        # This adapter serves one fetch, so its pools and their connections can carry its
        # deadline.
        self.poolmanager.pool_classes_by_scheme = {
            "http": partial(_WatchedHTTPConnectionPool, deadline=deadline),
            "https": partial(_WatchedHTTPSConnectionPool, deadline=deadline),
        }

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        # The parent resolves the host with socket.getaddrinfo, which no timeout reaches.
        host_params, pool_kwargs = self._deadline.run(
            super().build_connection_pool_key_attributes, request, verify, cert
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
    default_port = 443 if scheme == "https" else 80
    if not _is_allowed_port(default_port if port is None else port):
        raise FetchError(Messages.PORT_REFUSED)
    netloc = f"[{host}]" if ip is not None and ip.version == 6 else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


# --- HTTP --------------------------------------------------------------------------------------


class _Deadline:
    """One wall-clock deadline over a whole fetch: name resolution, connect, TLS, head, body.

    A socket timeout restarts with every byte received, so it bounds no total: at the deadline
    a watchdog timer shuts down every socket the fetch opened, and whatever read was waiting
    returns at once. Name resolution (getaddrinfo, which no timeout reaches) runs in a worker
    thread that is given up on at the deadline.
    """

    def __init__(self, seconds: float):
        self._at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._cut = False
        self._watchdog = threading.Timer(seconds, self._cut_all)
        self._watchdog.daemon = True

    def __enter__(self) -> "_Deadline":
        self._watchdog.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._watchdog.cancel()
        with self._lock:
            self._cut = True
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self._at

    def seconds_left(self, *, message: str) -> float:
        """The time left, or FetchError(message) when there is none."""
        left = self._at - time.monotonic()
        if left <= 0:
            raise FetchError(message)
        return left

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock`'s connection down at the deadline (at once if it has passed)."""
        # A duplicate descriptor of our own: TLS takes the original over and detaches it, and
        # a bare number could be reused by another connection once this one is closed.
        watched = sock.dup()
        with self._lock:
            self._sockets.append(watched)
            if self._cut:
                _shut_down(watched)

    def run(self, function: Callable[..., _T], *args: Any) -> _T:
        """`function(*args)` in a worker thread, given up on at the deadline.

        A thread given up on is left to finish on its own (getaddrinfo cannot be interrupted;
        the system resolver's own timeouts end it) and its answer is never used.
        """
        future: Future[_T] = Future()

        def work() -> None:
            try:
                future.set_result(function(*args))
            except BaseException as exc:  # handed to the waiting thread as it is
                future.set_exception(exc)

        threading.Thread(target=work, name="image-fetch-resolve", daemon=True).start()
        try:
            return future.result(timeout=max(self._at - time.monotonic(), 0))
        except TimeoutError as exc:
            if future.done():  # the function's own timeout
                raise
            raise requests.exceptions.ConnectTimeout("no address before the deadline") from exc

    def _cut_all(self) -> None:
        with self._lock:
            self._cut = True
            for sock in self._sockets:
                _shut_down(sock)


def _shut_down(sock: socket.socket) -> None:
    with suppress(OSError):  # not connected (yet, or any more)
        sock.shutdown(socket.SHUT_RDWR)


class _InterimCappedResponse(http.client.HTTPResponse):
    """http.client skips `100 Continue` answers for as long as they come; we skip a few.

    Its `begin` reads one status line per answer through `_read_status`, a private method:
    counting its calls is the least we can hook (a test notices if it ever changes).
    """

    _status_lines = 0

    def _read_status(self) -> tuple[str, int, str]:
        self._status_lines += 1
        if self._status_lines > MAX_INTERIM_RESPONSES + 1:
            raise http.client.HTTPException("too many interim responses")
        return super()._read_status()  # type: ignore[misc]


class _Watched:
    """A connection whose socket the fetch's deadline cuts and whose answer is capped."""

    response_class: Any = _InterimCappedResponse

    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self._deadline.watch(sock)
        return sock


class _WatchedHTTPConnection(_Watched, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def _open_session(limits: _Limits, deadline: _Deadline) -> requests.Session:
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
            _AddressFilterAdapter(
                is_https_proto=is_https, allow_loopback=limits.allow_loopback, deadline=deadline
            ),
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


def _get_following_redirects(
    session: requests.Session, url: str, limits: _Limits, deadline: _Deadline
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
    session: requests.Session, url: str, limits: _Limits, deadline: _Deadline
) -> requests.Response:
    try:
        left = deadline.seconds_left(message=Messages.CANNOT_DOWNLOAD)
    except FetchError as exc:
        raise FetchError(exc.message, transient=True) from None
    try:
        response = session.get(
            url,
            stream=True,
            allow_redirects=False,
            timeout=(min(limits.connect_timeout, left), left),
        )
    except (requests.exceptions.InvalidURL, requests.exceptions.URLRequired) as exc:
        raise FetchError(Messages.INVALID_URL) from exc
    except requests.RequestException as exc:
        # No such name, a name resolving to a refused address (InvalidIPAddress), refused,
        # reset, filtered, silent, TLS, not HTTP, the deadline: one answer (module docstring).
        # Only a refused address is final; the rest may work later.
        transient = not _caused_by(exc, InvalidIPAddress)
        raise FetchError(Messages.CANNOT_DOWNLOAD, transient=transient) from exc
    if deadline.passed:
        # The watchdog may have cut the head short: what arrived is not the server's answer.
        response.close()
        raise FetchError(Messages.CANNOT_DOWNLOAD, transient=True)
    return response


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is anywhere in the chain (causes, contexts, wrapped arguments)."""
    seen: set[int] = set()
    todo: list[object] = [error]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return True
        todo += [item.__cause__, item.__context__, *item.args, getattr(item, "reason", None)]
    return False


def _check_response(response: requests.Response, limits: _Limits) -> None:
    """Refuse on the headers alone, before any of the body is read."""
    if response.status_code != 200:
        transient = response.status_code >= 500  # the server's trouble, perhaps passing
        raise FetchError(
            Messages.HTTP_STATUS % {"status": response.status_code}, transient=transient
        )
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and not (
        content_type.startswith("image/") or content_type in _NEUTRAL_CONTENT_TYPES
    ):
        raise FetchError(Messages.NOT_AN_IMAGE % {"content_type": content_type})
    try:
        declared_length = int(response.headers.get("Content-Length", ""))
    except ValueError:
        declared_length = None  # absent or nonsense: the cap while reading still holds
    if declared_length is not None and declared_length > limits.max_bytes:
        raise FetchError(_too_big(limits))


def _read_body(response: requests.Response, limits: _Limits, deadline: _Deadline) -> bytes:
    raw = response.raw
    received = bytearray()
    while True:
        _limit_next_wait(raw, deadline.seconds_left(message=Messages.TIMEOUT))
        # read1 returns as soon as some bytes arrive, so the deadline is checked between
        # arrivals even when a server drips. Never ask for more than one byte past the cap.
        want = min(CHUNK_SIZE, limits.max_bytes + 1 - len(received))
        try:
            chunk = raw.read1(want, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise FetchError(Messages.TIMEOUT) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if deadline.passed:  # the watchdog cut the connection
                raise FetchError(Messages.TIMEOUT) from exc
            raise FetchError(Messages.INTERRUPTED, transient=True) from exc
        if deadline.passed:  # the watchdog's cut reads as the end of the body
            raise FetchError(Messages.TIMEOUT)
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
    return Messages.TOO_BIG % {"limit": limit}


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
