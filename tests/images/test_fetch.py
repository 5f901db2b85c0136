"""images.fetch against a real local HTTP server (pytest-httpserver on 127.0.0.1).

Tests run under pytest-socket allowing loopback only: a filter that let a refused address
through would surface as SocketConnectBlockedError, not as the FetchError asserted here.
"""

import io
import ipaddress
import threading
import time
from urllib.parse import urlsplit

import pytest
from PIL import Image
from werkzeug import Response

from images.fetch import FetchError, check_url, download_image
from tests.images.imagedata import (
    make_gif_bomb,
    make_image_bytes,
    make_png_bomb,
    make_truncated_jpeg,
)

MB = 1024 * 1024

UNREACHABLE = "That address is not reachable from here"
NOT_HTTP = "Only http and https addresses can be used"
INVALID_URL = "That is not a valid web address"
TIMEOUT = "The server took too long to answer"
# Whatever fails before a server has answered in HTTP, a prober learns nothing from the words.
CANNOT_DOWNLOAD = "Could not download the image from that address"
PORT_REFUSED = "Addresses on that port cannot be used"

PNG = make_image_bytes("PNG", size=(300, 200))
JPEG = make_image_bytes("JPEG", size=(300, 200))


def fetch_error(url: str) -> str:
    """The reason download_image gives for refusing `url` (anything else fails the test)."""
    with pytest.raises(FetchError) as excinfo:
        download_image(url)
    assert excinfo.value.message == str(excinfo.value)
    return excinfo.value.message


def wait_until(condition, message, timeout=5.0):
    """Wait for the server thread to catch up, so the next test starts from a clean log."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.01)


def streamed(pieces, content_type="image/png") -> Response:
    """A response without Content-Length: the body ends when the server closes."""
    return Response(pieces, content_type=content_type)


def chunked(pieces, content_type="image/png") -> Response:
    """A response with Transfer-Encoding: chunked, framed here since the test server speaks
    HTTP/1.0 and would never chunk by itself."""

    def frames():
        for piece in pieces:
            yield b"%x\r\n%s\r\n" % (len(piece), piece)
        yield b"0\r\n\r\n"

    response = Response(frames(), content_type=content_type)
    response.headers["Transfer-Encoding"] = "chunked"
    return response


# --- real images ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pillow_format", "content_type", "extension"),
    [
        ("JPEG", "image/jpeg", "jpg"),
        ("PNG", "image/png", "png"),
        ("GIF", "image/gif", "gif"),
        ("WEBP", "image/webp", "webp"),
    ],
)
def test_downloads_each_supported_format(
    allow_loopback_fetch, httpserver, server_url, pillow_format, content_type, extension
):
    data = make_image_bytes(pillow_format, size=(320, 240))
    httpserver.expect_request("/picture").respond_with_data(data, content_type=content_type)

    image = download_image(server_url("/picture"))

    assert (image.format, image.extension) == (pillow_format, extension)
    assert (image.width, image.height) == (320, 240)
    assert image.content == data


def test_format_and_extension_come_from_the_bytes_not_the_url(
    allow_loopback_fetch, httpserver, server_url
):
    httpserver.expect_request("/photo.png").respond_with_data(JPEG, content_type="image/png")

    image = download_image(server_url("/photo.png"))

    assert (image.format, image.extension) == ("JPEG", "jpg")
    upload = image.as_file("holiday")
    assert upload.name == "holiday.jpg"
    assert upload.read() == JPEG


def test_url_with_query_string_is_fetched_as_given(allow_loopback_fetch, httpserver, server_url):
    httpserver.expect_request("/render", query_string="w=300&h=200").respond_with_data(
        PNG, content_type="image/png"
    )

    image = download_image(server_url("/render?w=300&h=200"))

    assert (image.format, image.width, image.height) == ("PNG", 300, 200)


@pytest.mark.parametrize("content_type", ["application/octet-stream", None])
def test_neutral_or_missing_content_type_lets_the_bytes_decide(
    allow_loopback_fetch, httpserver, server_url, content_type
):
    response = Response(PNG, content_type=content_type)
    if content_type is None:
        del response.headers["Content-Type"]
    httpserver.expect_request("/blob").respond_with_response(response)

    assert download_image(server_url("/blob")).format == "PNG"


def test_sends_bot_user_agent_and_asks_for_images(allow_loopback_fetch, httpserver, server_url):
    httpserver.expect_request("/x.png").respond_with_data(PNG, content_type="image/png")

    download_image(server_url("/x.png"))

    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == "BookmarksBot/1.0 (+image fetch)"
    assert request.headers["Accept"] == "image/*"


def test_follows_relative_and_absolute_redirects_within_the_limit(
    allow_loopback_fetch, httpserver, server_url
):
    httpserver.expect_request("/a").respond_with_data(status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(
        status=301, headers={"Location": server_url("/c")}
    )
    httpserver.expect_request("/c").respond_with_data(status=307, headers={"Location": "d.png"})
    httpserver.expect_request("/d.png").respond_with_data(PNG, content_type="image/png")

    image = download_image(server_url("/a"))

    assert image.format == "PNG"
    assert [request.path for request, _ in httpserver.log] == ["/a", "/b", "/c", "/d.png"]


# --- refusals on content and behaviour ------------------------------------------------------


def test_html_page_is_not_an_image(allow_loopback_fetch, httpserver, server_url):
    httpserver.expect_request("/page").respond_with_data(
        "<!doctype html><title>Hi</title>", content_type="text/html; charset=utf-8"
    )

    assert fetch_error(server_url("/page")) == "That is not an image (text/html)"


def test_html_served_as_an_image_is_refused(allow_loopback_fetch, httpserver, server_url):
    httpserver.expect_request("/fake.png").respond_with_data(
        b"<!doctype html><title>Hi</title>", content_type="image/png"
    )

    assert (
        fetch_error(server_url("/fake.png"))
        == "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image"
    )


def test_other_image_formats_are_refused(allow_loopback_fetch, httpserver, server_url):
    bmp = make_image_bytes("BMP")
    httpserver.expect_request("/x.bmp").respond_with_data(bmp, content_type="image/bmp")

    assert (
        fetch_error(server_url("/x.bmp"))
        == "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image"
    )


def test_truncated_jpeg_is_damaged(allow_loopback_fetch, httpserver, server_url):
    truncated = make_truncated_jpeg()
    assert Image.open(io.BytesIO(truncated)).size == (300, 200)  # the header still reads
    httpserver.expect_request("/cut.jpg").respond_with_data(truncated, content_type="image/jpeg")

    assert fetch_error(server_url("/cut.jpg")) == "The image is damaged or incomplete"


def test_body_over_the_cap_is_refused_by_its_content_length(
    allow_loopback_fetch, httpserver, server_url
):
    httpserver.expect_request("/huge.png").respond_with_data(
        b"\0" * (11 * MB), content_type="image/png"
    )

    assert fetch_error(server_url("/huge.png")) == "The file is larger than 10 MB"


def test_streamed_body_over_the_cap_is_refused(allow_loopback_fetch, httpserver, server_url):
    httpserver.expect_request("/huge.png").respond_with_response(
        streamed(b"\0" * MB for _ in range(11))
    )

    assert fetch_error(server_url("/huge.png")) == "The file is larger than 10 MB"
    _, response = httpserver.log[0]
    assert "Content-Length" not in response.headers


def test_chunked_download_stops_soon_after_the_cap(allow_loopback_fetch, httpserver, server_url):
    allow_loopback_fetch.IMAGE_FETCH_MAX_BYTES = MB
    sent = 0
    server_done = threading.Event()

    def endless_body():
        nonlocal sent
        try:
            for _ in range(1024):  # 256 MB, if nobody stopped reading
                yield b"\0" * (256 * 1024)
                sent += 256 * 1024
        finally:
            server_done.set()

    httpserver.expect_request("/endless.png").respond_with_response(chunked(endless_body()))

    assert fetch_error(server_url("/endless.png")) == "The file is larger than 1 MB"
    assert server_done.wait(5), "the server is still sending"
    # The client reads at most cap + 1 byte; the rest is what the kernel's socket buffers
    # on both ends absorbed before the connection was dropped.
    print("SENT", sent)
    assert sent < 32 * MB


def test_png_bomb_is_refused_from_its_header(allow_loopback_fetch, httpserver, server_url):
    bomb = make_png_bomb(20_000, 20_000)
    assert len(bomb) < 200 * 1024
    httpserver.expect_request("/bomb.png").respond_with_data(bomb, content_type="image/png")

    started = time.monotonic()
    message = fetch_error(server_url("/bomb.png"))

    # 400 million pixels trips Pillow's own guard while it opens the file, before our check.
    assert message == "The image is too large (over 40,000,000 pixels)"
    assert time.monotonic() - started < 2


def test_animation_bomb_is_refused_from_its_headers(allow_loopback_fetch, httpserver, server_url):
    # 2.3 kB: a 4000×4000 canvas × 100 frames (1.6 billion pixels to decode in all).
    bomb = make_gif_bomb(4000, 4000, frames=100)
    httpserver.expect_request("/bomb.gif").respond_with_data(bomb, content_type="image/gif")

    assert fetch_error(server_url("/bomb.gif")) == (
        "The animation is too large (100 frames of 4000×4000 pixels; "
        "at most 200,000,000 pixels in all)"
    )


def test_pixel_cap_is_checked_from_the_header(allow_loopback_fetch, httpserver, server_url):
    allow_loopback_fetch.IMAGE_MAX_PIXELS = 300 * 200 - 1
    httpserver.expect_request("/x.png").respond_with_data(PNG, content_type="image/png")

    assert fetch_error(server_url("/x.png")) == "The image is too large (300×200 pixels)"


def test_slow_drip_is_cut_off_at_the_total_deadline(allow_loopback_fetch, httpserver, server_url):
    allow_loopback_fetch.IMAGE_FETCH_TOTAL_TIMEOUT = 1.0

    def drip():
        yield PNG[:16]
        for byte in PNG[16:60]:
            time.sleep(0.1)  # each byte well inside any read timeout
            yield bytes([byte])

    httpserver.expect_request("/slow.png").respond_with_response(streamed(drip()))

    started = time.monotonic()
    assert fetch_error(server_url("/slow.png")) == TIMEOUT
    assert time.monotonic() - started < 1.5


def test_server_that_never_answers_is_cut_off(allow_loopback_fetch, httpserver, server_url):
    allow_loopback_fetch.IMAGE_FETCH_TOTAL_TIMEOUT = 0.3
    release = threading.Event()

    def silent(request):
        release.wait(5)
        return Response(PNG, content_type="image/png")

    httpserver.expect_request("/silent.png").respond_with_handler(silent)

    started = time.monotonic()
    assert fetch_error(server_url("/silent.png")) == CANNOT_DOWNLOAD
    assert time.monotonic() - started < 0.7
    release.set()
    wait_until(lambda: httpserver.log, "the server never finished the request")


def test_redirect_loop_stops_after_the_limit(allow_loopback_fetch, httpserver, server_url):
    httpserver.expect_request("/loop").respond_with_data(status=302, headers={"Location": "/loop"})

    assert fetch_error(server_url("/loop")) == "Too many redirects"
    assert len(httpserver.log) == 1 + 3  # the first request and IMAGE_FETCH_MAX_REDIRECTS hops


@pytest.mark.parametrize("status", [404, 500])
def test_error_status_is_reported(allow_loopback_fetch, httpserver, server_url, status):
    httpserver.expect_request("/gone.png").respond_with_data("nope", status=status)

    assert fetch_error(server_url("/gone.png")) == f"The server answered {status}"


def test_redirect_to_a_file_url_is_refused(allow_loopback_fetch, httpserver, server_url):
    httpserver.expect_request("/go").respond_with_data(
        status=302, headers={"Location": "file:///etc/passwd"}
    )

    assert fetch_error(server_url("/go")) == NOT_HTTP


# --- SSRF ------------------------------------------------------------------------------------


def expected_refusal(url: str) -> str:
    """An IP literal is refused from the URL alone; a host name once resolved, neutrally."""
    try:
        ipaddress.ip_address(urlsplit(url).hostname)
    except ValueError:
        return CANNOT_DOWNLOAD
    return UNREACHABLE


def test_loopback_server_is_not_contacted_by_default(httpserver, server_url, connect_attempts):
    httpserver.expect_request("/x.png").respond_with_data(PNG, content_type="image/png")

    assert fetch_error(server_url("/x.png")) == UNREACHABLE
    assert httpserver.log == []
    assert connect_attempts == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/x.png",
        "http://[::ffff:127.0.0.1]/x.png",
        "http://[::ffff:10.0.0.1]/x.png",
        "http://0.0.0.0:{port}/x.png",
        "http://[::]:{port}/x.png",
        "http://224.0.0.1/x.png",
        "http://[fe80::1]/x.png",
        "http://100.64.0.1/x.png",
        # Host names: refused only once resolved, by the connect-time filter, in the words of
        # any failure to connect (else the answer would tell which names resolve inside).
        "http://localhost:{port}/x.png",
        "http://2130706433:{port}/x.png",  # 127.0.0.1 written as a number
        "http://167772161/x.png",  # 10.0.0.1 written as a number
        "http://0:{port}/x.png",  # 0.0.0.0
    ],
)
def test_refused_addresses_by_default(httpserver, connect_attempts, url):
    httpserver.expect_request("/x.png").respond_with_data(PNG, content_type="image/png")

    assert fetch_error(url.format(port=httpserver.port)) == expected_refusal(url)
    assert connect_attempts == []
    assert httpserver.log == []


def test_redirect_to_loopback_is_refused_when_loopback_is_not_allowed(
    httpserver, server_url, connect_attempts
):
    httpserver.expect_request("/go").respond_with_data(
        status=302, headers={"Location": server_url("/x.png")}
    )
    httpserver.expect_request("/x.png").respond_with_data(PNG, content_type="image/png")

    assert fetch_error(f"http://localhost:{httpserver.port}/go") == CANNOT_DOWNLOAD
    assert connect_attempts == []
    assert httpserver.log == []


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/x.png",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://0.0.0.0:{port}/x.png",  # on Linux this would reach the local server
        # Host names: refused only once resolved, by the connect-time filter.
        "http://0:{port}/x.png",
        "http://167772161/x.png",
    ],
)
def test_redirect_to_refused_address_is_refused_even_with_loopback_allowed(
    allow_loopback_fetch, httpserver, server_url, connect_attempts, target
):
    location = target.format(port=httpserver.port)
    httpserver.expect_request("/go").respond_with_data(status=302, headers={"Location": location})
    httpserver.expect_request("/x.png").respond_with_data(PNG, content_type="image/png")

    assert fetch_error(server_url("/go")) == expected_refusal(target)
    assert [request.path for request, _ in httpserver.log] == ["/go"]
    assert connect_attempts == [("127.0.0.1", httpserver.port)]


@pytest.mark.parametrize("url", ["http://10.0.0.1/x.png", "http://169.254.169.254/"])
def test_private_addresses_stay_refused_with_loopback_allowed(
    allow_loopback_fetch, connect_attempts, url
):
    assert fetch_error(url) == UNREACHABLE
    assert connect_attempts == []


# --- URL checks ------------------------------------------------------------------------------

BAD_URLS = [
    ("ftp://example.com/x.png", NOT_HTTP),
    ("file:///etc/passwd", NOT_HTTP),
    ("javascript:alert(1)", NOT_HTTP),
    ("example.com/x.png", NOT_HTTP),
    ("http://", INVALID_URL),
    ("http:///x.png", INVALID_URL),
    ("https://:443/x.png", INVALID_URL),
    ("http://example.com:99999/x.png", INVALID_URL),
    ("http://[::1/x.png", INVALID_URL),
    (
        "http://user:secret@example.com/x.png",
        "Addresses with a user name or password cannot be used",
    ),
    ("http://example.com/" + "a" * 2000, "That address is too long"),
    # Ports: 80, 443 and 1024-65535 less well-known services that are not HTTP.
    ("http://example.com:22/x.png", PORT_REFUSED),
    ("https://example.com:25/x.png", PORT_REFUSED),
    ("http://example.com:0/x.png", PORT_REFUSED),
    ("http://example.com:1023/x.png", PORT_REFUSED),
    ("http://example.com:6379/x.png", PORT_REFUSED),
    ("http://example.com:11211/x.png", PORT_REFUSED),
    ("http://8.8.8.8:5432/x.png", PORT_REFUSED),
    ("http://[2606:4700::1111]:3306/x.png", PORT_REFUSED),
]


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_check_url_refuses(url, message):
    with pytest.raises(FetchError) as excinfo:
        check_url(url)
    assert excinfo.value.message == message


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_download_refuses_bad_urls_without_connecting(connect_attempts, url, message):
    assert fetch_error(url) == message
    assert connect_attempts == []


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("  HTTP://Example.COM/a/b.png#top ", "http://example.com/a/b.png"),
        ("https://example.com", "https://example.com/"),
        ("http://example.com:8080/x.png?size=large", "http://example.com:8080/x.png?size=large"),
        ("https://example.com:80/x.png", "https://example.com:80/x.png"),
        ("http://example.com:443/x.png", "http://example.com:443/x.png"),
        ("http://example.com:1024/x.png", "http://example.com:1024/x.png"),
        ("https://example.com:8443/x.png", "https://example.com:8443/x.png"),
        ("http://example.com:65535/x.png", "http://example.com:65535/x.png"),
        ("http://[2606:4700::1111]/x.png", "http://[2606:4700::1111]/x.png"),
        ("http://8.8.8.8/x.png", "http://8.8.8.8/x.png"),
    ],
)
def test_check_url_normalizes_without_network(connect_attempts, url, normalized):
    assert check_url(url) == normalized
    assert connect_attempts == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/x.png", "http://[::1]/x.png", "http://10.0.0.1/", "http://[fec0::1]/"],
)
def test_check_url_refuses_internal_ip_literals(url):
    with pytest.raises(FetchError) as excinfo:
        check_url(url)
    assert excinfo.value.message == UNREACHABLE


def test_check_url_allows_loopback_literals_only_when_allowed(allow_loopback_fetch):
    assert check_url("http://127.0.0.1:8000/x.png") == "http://127.0.0.1:8000/x.png"
    assert check_url("http://[::1]/x.png") == "http://[::1]/x.png"
    with pytest.raises(FetchError) as excinfo:
        check_url("http://10.0.0.1/x.png")
    assert excinfo.value.message == UNREACHABLE
