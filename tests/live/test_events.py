"""The event stream against a real uvicorn process and the real Redis."""

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest

from account.services import follow_user
from bookmarks import eventauth
from images.services import like_image
from tests.factories import make_image, make_user


class Sse:
    """A raw SSE client: reads events (id, event, data) off one connection."""

    def __init__(self, base, *, cookie=None, last_id=None, query="", origin=None):
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        headers = {"Accept": "text/event-stream"}
        if cookie:
            headers["Cookie"] = f"{eventauth.COOKIE_NAME}={cookie}"
        if last_id:
            headers["Last-Event-ID"] = last_id
        if origin:
            headers["Origin"] = origin
        self.conn.request("GET", "/events/" + query, headers=headers)
        self.response = self.conn.getresponse()
        self.last_id = None

    def next_event(self, timeout=5.0):
        """The next event with data (comments and bare id/retry blocks skipped)."""
        self.conn.sock.settimeout(timeout)
        block = {}
        while True:
            line = self.response.fp.readline()
            if not line:
                raise EOFError("stream closed")
            line = line.decode().rstrip("\n")
            if line == "":
                if "id" in block:
                    self.last_id = block["id"]
                if "data" in block:
                    return block
                block = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            block[name] = value if name != "data" else json.loads(value)

    def wait_ready(self):
        """Wait for the stream's first bytes (subscribed, position taken)."""
        self.conn.sock.settimeout(5)
        while self.response.fp.readline().strip():
            pass

    def closed(self, timeout=5.0) -> bool:
        self.conn.sock.settimeout(timeout)
        try:
            while self.response.fp.readline():
                pass
        except TimeoutError:
            return False
        return True

    def close(self):
        self.conn.close()


@pytest.fixture
def cookie(user):
    return eventauth.cookie_for(user.pk)


def test_stream_without_login_is_401(events_server, db):
    stream = Sse(events_server)
    assert stream.response.status == 401
    forged = Sse(events_server, cookie="1:forged:signature")
    assert forged.response.status == 401
    expired = eventauth.user_id_from(eventauth.cookie_for(1), max_age=-1)
    assert expired is None


def test_a_like_reaches_the_owners_open_stream(
    events_server, user, other_user, cookie, django_capture_on_commit_callbacks
):
    image = make_image(user)
    stream = Sse(events_server, cookie=cookie)
    assert stream.response.status == 200
    assert stream.response.getheader("content-type").startswith("text/event-stream")
    stream.wait_ready()
    with django_capture_on_commit_callbacks(execute=True):
        like_image(user=other_user, image_id=image.id, like=True)
    event = stream.next_event()
    assert event["event"] == "notification" and event["data"]["unread"] == 1
    stream.close()


def test_reconnecting_with_last_event_id_loses_nothing(
    events_server, user, cookie, django_capture_on_commit_callbacks
):
    image = make_image(user)
    stream = Sse(events_server, cookie=cookie)
    stream.wait_ready()
    with django_capture_on_commit_callbacks(execute=True):
        like_image(user=make_user("first"), image_id=image.id, like=True)
    assert stream.next_event()["data"]["unread"] == 1
    seen = stream.last_id
    stream.close()  # the connection drops; meanwhile two more things happen
    with django_capture_on_commit_callbacks(execute=True):
        like_image(user=make_user("second"), image_id=image.id, like=True)
    with django_capture_on_commit_callbacks(execute=True):
        follow_user(user_from=make_user("third"), user_to=user, follow=True)
    resumed = Sse(events_server, cookie=cookie, last_id=seen)
    missed = [resumed.next_event(), resumed.next_event()]
    assert [e["data"]["unread"] for e in missed] == [1, 2]
    assert [e["data"]["kind"] for e in missed] == ["liked", "followed"]
    assert resumed.last_id != seen
    resumed.close()


def test_a_sixth_stream_closes_the_oldest(events_server, user, cookie, settings):
    streams = [Sse(events_server, cookie=cookie) for _ in range(5)]
    for s in streams:
        s.wait_ready()
    sixth = Sse(events_server, cookie=cookie)
    sixth.wait_ready()
    assert streams[0].closed(timeout=15)  # roomy: the machine may be busy
    assert not streams[1].closed(timeout=0.5)
    for s in [*streams, sixth]:
        s.close()


def test_dashboard_hears_bookmarks_of_people_followed_only(
    events_server, user, other_user, cookie, django_capture_on_commit_callbacks
):
    stranger = make_user("stranger")
    follow_user(user_from=user, user_to=other_user, follow=True)
    token = eventauth.feed_token(user.pk, [other_user.pk])
    stream = Sse(events_server, cookie=cookie, query=f"?feed={token}")
    stream.wait_ready()
    with django_capture_on_commit_callbacks(execute=True):
        make_image(stranger)  # not an action: nothing
        from actions.models import Verb
        from actions.services import create_action

        create_action(stranger, Verb.BOOKMARKED, make_image(stranger, title="x"))
        create_action(other_user, Verb.BOOKMARKED, make_image(other_user, title="y"))
    event = stream.next_event()
    assert event["event"] == "feed" and "id" not in event
    with pytest.raises((TimeoutError, socket.timeout)):
        stream.next_event(timeout=1)
    stream.close()


def test_a_feed_token_of_someone_else_subscribes_to_nothing(user, other_user):
    token = eventauth.feed_token(other_user.pk, [user.pk])
    assert eventauth.actor_ids_from(token, user.pk) == []
    assert eventauth.actor_ids_from("garbage", user.pk) == []


def test_other_origins_are_not_let_in_by_cors(events_server, cookie):
    stream = Sse(events_server, cookie=cookie, origin="https://evil.example")
    assert stream.response.getheader("access-control-allow-origin") is None
    stream.close()


def test_site_hands_the_event_cookie_to_logged_in_people_only(client, user):
    client.force_login(user)
    response = client.get("/account/")
    morsel = response.cookies[eventauth.COOKIE_NAME]
    assert eventauth.user_id_from(morsel.value) == user.pk
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert eventauth.COOKIE_NAME not in client.get("/account/").cookies  # fresh: not re-sent
    out = client.post("/account/logout/")
    assert out.cookies[eventauth.COOKIE_NAME].value == ""  # deleted with the session
    assert eventauth.COOKIE_NAME not in client.get("/account/login/").cookies
