"""nginx in front of `make serve`, with the shipped deploy/nginx.conf (review items 6 and 8):
slow clients wait in nginx instead of holding gunicorn's sync workers; nginx serves static
files and only images from /media/, never sniffable, sandboxed."""

import contextlib
import json
import re
import socket
import ssl
import time

import pytest
import requests

from .conftest import AS_IF_PROXIED, NOT_IMAGES, PNG

# A request line and one header, then nothing: the classic slow client ("slowloris").
PARTIAL_HEADERS = b"GET /account/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
# How long the probe waits, bare, for an answer that takes milliseconds when a worker is free.
PATIENCE = 3
# Through nginx, on a busy machine; less than nginx's client_header_timeout (10 s), so the slow
# clients are still connected when the answer comes.
PATIENCE_THROUGH_NGINX = 8


def still_connected(sock) -> bool:
    sock.settimeout(0.05)
    try:
        return sock.recv(1) != b""
    except TimeoutError:
        return True
    except OSError:
        return False


@contextlib.contextmanager
def slow_clients(
    port: int, count: int, tls: ssl.SSLContext | None = None, payload: bytes = PARTIAL_HEADERS
):
    sockets = []
    try:
        for _ in range(count):
            raw = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock = tls.wrap_socket(raw, server_hostname="127.0.0.1") if tls else raw
            sock.sendall(payload)
            sockets.append(sock)
        time.sleep(0.5)  # the server picks them up: a sync worker each, or nginx's event loop
        assert all(still_connected(sock) for sock in sockets), "a slow client was dropped"
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def test_before_two_slow_clients_hold_bare_gunicorn(served, nginx):
    """The review's finding, kept as the "before": bare gunicorn (2 sync workers) serves no one
    while two clients trickle their headers."""
    with slow_clients(served.port, 2), pytest.raises(requests.Timeout):
        requests.get(served.url + "/account/login/", headers=AS_IF_PROXIED, timeout=PATIENCE)
    # The slow clients gone, the same request is answered at once.
    answer = requests.get(served.url + "/account/login/", headers=AS_IF_PROXIED, timeout=10)
    assert answer.status_code == 200


def test_slow_clients_do_not_delay_others_through_nginx(nginx):
    with slow_clients(nginx.port, 8, tls=nginx.tls) as sockets:
        answer = requests.get(
            nginx.url + "/account/login/",
            verify=str(nginx.ca_file),
            timeout=PATIENCE_THROUGH_NGINX,
        )
        assert answer.status_code == 200
        assert "csrfmiddlewaretoken" in answer.text
        # They were all still there, holding nothing but nginx's attention.
        assert all(still_connected(sock) for sock in sockets)


def slow_login_post(nginx) -> bytes:
    """Whole headers of a login POST that passes the CSRF checks (so Django reads its body),
    then a body that trickles: only nginx's request buffering keeps it from a worker."""
    page = requests.get(nginx.url + "/account/login/", verify=str(nginx.ca_file), timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return (
        f"POST /account/login/ HTTP/1.1\r\nHost: 127.0.0.1:{nginx.port}\r\n"
        f"Referer: {nginx.url}/account/login/\r\n"
        f"Cookie: csrftoken={page.cookies['csrftoken']}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
        f"csrfmiddlewaretoken={token}&username=slow&password="
    ).encode()


def test_slowly_sent_bodies_do_not_delay_others_through_nginx(nginx):
    with slow_clients(nginx.port, 4, tls=nginx.tls, payload=slow_login_post(nginx)) as sockets:
        answer = requests.get(
            nginx.url + "/account/login/",
            verify=str(nginx.ca_file),
            timeout=PATIENCE_THROUGH_NGINX,
        )
        assert answer.status_code == 200
        assert all(still_connected(sock) for sock in sockets)


def test_the_app_behind_nginx_knows_the_request_is_https(nginx):
    answer = requests.get(
        nginx.url + "/account/login/", verify=str(nginx.ca_file), allow_redirects=False, timeout=10
    )
    # Django trusts X-Forwarded-Proto, which nginx sets: no redirect loop, HSTS sent.
    assert answer.status_code == 200
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "nginx/" not in answer.headers.get("Server", "")  # server_tokens off


def test_a_form_posted_through_nginx_passes_the_csrf_checks(nginx):
    person = requests.Session()
    page = person.get(nginx.url + "/account/login/", verify=str(nginx.ca_file), timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = person.post(
        nginx.url + "/account/login/",
        data={"csrfmiddlewaretoken": token, "username": "nobody", "password": "wrong"},
        headers={"Referer": nginx.url + "/account/login/", "Origin": nginx.url},
        verify=str(nginx.ca_file),
        timeout=10,
    )
    # The form's own refusal, not CSRF's 403: Host (with its port) reached Django intact.
    assert answer.status_code in (200, 400), answer.text[:300]
    assert "CSRF" not in answer.text


def test_plain_http_is_redirected_to_https(nginx):
    answer = requests.get(nginx.http_url + "/images/?page=2", allow_redirects=False, timeout=10)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://127.0.0.1/images/?page=2"


def test_a_body_over_the_upload_cap_is_refused_by_nginx(nginx):
    raw = socket.create_connection(("127.0.0.1", nginx.port), timeout=10)
    with nginx.tls.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
        sock.sendall(
            b"POST /account/edit/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 12000000\r\n\r\n"
        )
        head = sock.recv(200)
    assert head.startswith(b"HTTP/1.1 413 ")


def test_nginx_serves_an_uploaded_image_nosniff_and_sandboxed(nginx, served):
    answer = requests.get(
        nginx.url + "/media/images/2026/12/01/picture.png", verify=str(nginx.ca_file), timeout=10
    )
    assert answer.status_code == 200
    assert answer.content == PNG
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    upper = requests.get(nginx.url + "/media/users/face.JPG", verify=str(nginx.ca_file), timeout=10)
    assert upper.status_code == 200
    assert upper.headers["Content-Type"] == "image/jpeg"


def test_nginx_never_serves_media_that_is_not_an_image(nginx):
    for name in [*NOT_IMAGES, "images/", "images/2026/12/01/", ""]:
        answer = requests.get(nginx.url + "/media/" + name, verify=str(nginx.ca_file), timeout=10)
        assert answer.status_code == 404, name
        assert "evil" not in answer.text and "Index of" not in answer.text, name
    # HTML saved under an image name is still an image to the browser: never sniffed.
    fake = requests.get(nginx.url + "/media/fake.png", verify=str(nginx.ca_file), timeout=10)
    assert fake.headers["Content-Type"] == "image/png"
    assert fake.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in fake.headers["Content-Security-Policy"]


def test_nginx_serves_static_files_with_long_cache_for_hashed_names(nginx, served):
    manifest = json.loads((served.static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    answer = requests.get(nginx.url + "/static/" + hashed, verify=str(nginx.ca_file), timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/css"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = requests.get(
        nginx.url + "/static/js/bookmarklet.js", verify=str(nginx.ca_file), timeout=10
    )
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, max-age=3600"


def test_the_event_stream_goes_through_nginx_unbuffered(nginx, db):
    """/events/ reaches the event process (uvicorn), and an event reaches the browser at once:
    with nginx's usual proxy buffering it would wait for the buffer to fill."""
    from bookmarks import eventauth, live

    anonymous = requests.get(nginx.url + "/events/", verify=str(nginx.ca_file), timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["message"] == "Please log in."
    cookies = {eventauth.COOKIE_NAME: eventauth.cookie_for(4242)}
    with requests.get(
        nginx.url + "/events/", cookies=cookies, verify=str(nginx.ca_file), stream=True,
        timeout=10,
    ) as stream:  # fmt: skip
        assert stream.status_code == 200
        lines = stream.iter_lines(decode_unicode=True)
        while next(lines):  # the stream's opening block
            pass
        live.publish_to_user(4242, "notification", {"unread": 7})
        received = [next(lines) for _ in range(3)]
    assert received[1:] == ["event: notification", 'data: {"unread": 7}']
