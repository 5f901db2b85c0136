"""images.fetch against servers and resolvers that try to hold it, probe with it or bend it.

The servers are real sockets on 127.0.0.1 (tests/images/rawserver.py, pytest-httpserver). Name
resolution is the one part that cannot be real without internet: `fake_dns` answers made-up
names at `socket.getaddrinfo`, the system resolver's door, and passes every other name on.
"""

import ipaddress
import socket
import struct
import threading
import time

import pytest
from werkzeug import Response

from images.fetch import FetchError, download_image
from tests.images.imagedata import make_image_bytes
from tests.images.rawserver import RawServer, drip, http_response, read_request_head

CANNOT_DOWNLOAD = "Could not download the image from that address"
PORT_REFUSED = "Addresses on that port cannot be used"

PNG = make_image_bytes("PNG", size=(300, 200))
DEADLINE = 1.0
# What the deadline may be passed by on this shared, loaded machine: far below what the
# servers below hold an unguarded fetch for (4–6 s).
MARGIN = 0.6


def wait_until(condition, message, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.01)


def fetch_error(url: str) -> str:
    with pytest.raises(FetchError) as excinfo:
        download_image(url)
    return excinfo.value.message


def timed_fetch_error(url: str, label: str) -> tuple[str, float]:
    started = time.monotonic()
    message = fetch_error(url)
    elapsed = time.monotonic() - started
    print(f"DURATION {label}: {elapsed:.2f} s")
    return message, elapsed


@pytest.fixture
def deadline(allow_loopback_fetch):
    allow_loopback_fetch.IMAGE_FETCH_TOTAL_TIMEOUT = DEADLINE
    allow_loopback_fetch.IMAGE_FETCH_CONNECT_TIMEOUT = DEADLINE
    return DEADLINE


@pytest.fixture
def raw_server():
    servers = []

    def start(handler) -> RawServer:
        server = RawServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


class FakeDNS:
    """Made-up host names and what the resolver answers for them."""

    def __init__(self):
        self.addresses: dict[str, str | None] = {}  # None: the name does not exist
        self.delays: dict[str, float] = {}
        self.release = threading.Event()  # ends every pending slow answer
        self.asked: list[str] = []

    def answer(self, host, port):
        self.asked.append(host)
        if host in self.delays:
            self.release.wait(self.delays[host])
        address = self.addresses[host]
        if address is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        ip = ipaddress.ip_address(address)
        if ip.version == 4:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]


@pytest.fixture
def fake_dns(monkeypatch):
    dns = FakeDNS()
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in dns.addresses:
            return dns.answer(host, port)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield dns
    dns.release.set()


# --- one deadline over DNS, connect, headers and body ----------------------------------------


def test_header_drip_is_cut_off_at_the_deadline(deadline, raw_server):
    def dripping_headers(conn):
        read_request_head(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n")
        # Each byte well inside any read timeout, the head never ends.
        drip(conn, b"X-Drip: " + b"a" * 1000, every=0.1, for_at_most=6)

    server = raw_server(dripping_headers)

    message, elapsed = timed_fetch_error(server.url(), "header drip")

    assert message == CANNOT_DOWNLOAD
    assert elapsed < deadline + MARGIN
    # The connection was closed at the deadline, not left to the server.
    assert server.finished.wait(3), "the server is still dripping"


def test_tls_handshake_drip_is_cut_off_at_the_deadline(deadline, raw_server):
    def dripping_handshake(conn):
        conn.recv(4096)  # the ClientHello
        # A handshake record of 16 KB announced, then sent a byte at a time.
        drip(conn, b"\x16\x03\x03\x40\x00" + b"\x02" * 16384, every=0.1, for_at_most=6)

    server = raw_server(dripping_handshake)

    message, elapsed = timed_fetch_error(
        f"https://127.0.0.1:{server.port}/x.png", "TLS handshake drip"
    )

    assert message == CANNOT_DOWNLOAD
    assert elapsed < deadline + MARGIN
    assert server.finished.wait(3), "the server is still dripping"


def test_slow_stream_of_100_continue_is_cut_off_at_the_deadline(deadline, raw_server):
    def slow_continues(conn):
        read_request_head(conn)
        stop = time.monotonic() + 6
        while time.monotonic() < stop:
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(0.6)  # the cap on their number alone would end it after 1.8 s

    server = raw_server(slow_continues)

    message, elapsed = timed_fetch_error(server.url(), "100 Continue every 0.6 s")

    assert message == CANNOT_DOWNLOAD
    assert elapsed < deadline + MARGIN
    assert server.finished.wait(3), "the server is still sending"


def test_slow_dns_is_cut_off_at_the_deadline(deadline, httpserver, fake_dns):
    fake_dns.addresses["slow-dns.test"] = "127.0.0.1"
    fake_dns.delays["slow-dns.test"] = 4.0
    httpserver.expect_request("/x.png").respond_with_data(PNG, content_type="image/png")

    message, elapsed = timed_fetch_error(
        f"http://slow-dns.test:{httpserver.port}/x.png", "slow DNS"
    )

    assert message == CANNOT_DOWNLOAD
    assert elapsed < deadline + MARGIN
    assert fake_dns.asked == ["slow-dns.test"]
    assert httpserver.log == []


def test_slow_dns_on_a_redirect_hop_counts_against_the_same_deadline(
    deadline, httpserver, server_url, fake_dns
):
    fake_dns.addresses["slow-dns.test"] = "127.0.0.1"
    fake_dns.delays["slow-dns.test"] = 4.0
    location = f"http://slow-dns.test:{httpserver.port}/x.png"
    httpserver.expect_request("/go").respond_with_data(status=302, headers={"Location": location})

    message, elapsed = timed_fetch_error(server_url("/go"), "slow DNS on a redirect hop")

    assert message == CANNOT_DOWNLOAD
    assert elapsed < deadline + MARGIN
    assert fake_dns.asked == ["slow-dns.test"]


def test_redirect_hops_share_one_deadline(deadline, httpserver, server_url):
    """Each hop answers inside the deadline; together they do not."""
    answering = []

    def slow_redirect(to):
        def handler(request):
            answering.append(request.path)
            time.sleep(0.95)
            return Response(status=302, headers={"Location": to})

        return handler

    httpserver.expect_request("/a").respond_with_handler(slow_redirect("/b"))
    httpserver.expect_request("/b").respond_with_handler(slow_redirect("/c"))
    httpserver.expect_request("/c").respond_with_data(PNG, content_type="image/png")

    message, elapsed = timed_fetch_error(server_url("/a"), "slow redirect hops")

    assert message == CANNOT_DOWNLOAD
    assert elapsed < deadline + MARGIN
    # A hop the fetch gave up on is still being answered; let it finish here.
    wait_until(lambda: len(httpserver.log) == len(answering), "the server is still answering")


# --- interim (1xx) responses ------------------------------------------------------------------


def test_more_than_a_few_100_continue_responses_are_refused(allow_loopback_fetch, raw_server):
    def flood_then_image(conn):
        read_request_head(conn)
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 10 + http_response(PNG))

    server = raw_server(flood_then_image)

    assert fetch_error(server.url()) == CANNOT_DOWNLOAD


def test_a_single_100_continue_is_skipped(allow_loopback_fetch, raw_server):
    def continue_then_image(conn):
        read_request_head(conn)
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" + http_response(PNG))

    server = raw_server(continue_then_image)

    assert download_image(server.url()).content == PNG


# --- failures a prober could tell apart read the same -----------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reset(conn):
    read_request_head(conn)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _silent(conn):
    read_request_head(conn)
    conn.recv(1)  # until the client hangs up


def _ssh_banner(conn):
    conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    read_request_head(conn)


@pytest.mark.parametrize(
    "kind", ["refused", "reset", "silent", "not HTTP", "not TLS", "no such name", "private name"]
)
def test_network_failures_read_the_same(
    allow_loopback_fetch, raw_server, httpserver, fake_dns, kind
):
    allow_loopback_fetch.IMAGE_FETCH_TOTAL_TIMEOUT = 0.5
    fake_dns.addresses["missing.test"] = None
    fake_dns.addresses["inside.test"] = "10.0.0.1"
    urls = {
        "refused": lambda: f"http://127.0.0.1:{_closed_port()}/x.png",
        "reset": lambda: raw_server(_reset).url(),
        "silent": lambda: raw_server(_silent).url(),
        "not HTTP": lambda: raw_server(_ssh_banner).url(),
        "not TLS": lambda: f"https://127.0.0.1:{httpserver.port}/x.png",
        "no such name": lambda: "http://missing.test/x.png",
        "private name": lambda: "http://inside.test/x.png",
    }

    assert fetch_error(urls[kind]()) == CANNOT_DOWNLOAD


# --- the address filter on top of requests-hardened -------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "::a00:1",  # IPv4-compatible ::10.0.0.1
        "fec0::1",  # site-local
        "4000::1",  # reserved
    ],
)
def test_names_resolving_to_ranges_requests_hardened_lets_through_are_refused(
    allow_loopback_fetch, fake_dns, connect_attempts, address
):
    fake_dns.addresses["inside.test"] = address

    assert fetch_error("http://inside.test/x.png") == CANNOT_DOWNLOAD
    assert fake_dns.asked == ["inside.test"]
    assert connect_attempts == []


# --- nothing from the environment ------------------------------------------------------------


def test_proxy_variables_are_ignored(
    allow_loopback_fetch, monkeypatch, httpserver, server_url, raw_server
):
    def proxy(conn):
        read_request_head(conn)
        conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    recording_proxy = raw_server(proxy)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        for variable in (name, name.lower()):
            monkeypatch.setenv(variable, f"http://127.0.0.1:{recording_proxy.port}")
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    httpserver.expect_request("/x.png").respond_with_data(PNG, content_type="image/png")

    assert download_image(server_url("/x.png")).content == PNG
    assert recording_proxy.connections == 0
    assert len(httpserver.log) == 1


# --- ports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("port", [6379, 5432, 22])
def test_redirect_to_a_refused_port_is_refused_without_connecting(
    allow_loopback_fetch, httpserver, server_url, connect_attempts, port
):
    # Redis and PostgreSQL really listen there on this machine.
    httpserver.expect_request("/go").respond_with_data(
        status=302, headers={"Location": f"http://127.0.0.1:{port}/x.png"}
    )

    assert fetch_error(server_url("/go")) == PORT_REFUSED
    assert connect_attempts == [("127.0.0.1", httpserver.port)]
