"""The event stream, /events/: Server-Sent Events from an ASGI process of its own.

Run by uvicorn (`make run` starts it next to the dev server; production: `make events`
behind nginx's /events/ location, deploy/nginx.conf). A connection costs a coroutine and a
queue here, never a gunicorn worker: a thousand idle pages are a thousand small objects.

Who is asking: the `bm_events` cookie, signed by the site (bookmarks.eventauth) for a
logged-in person, so this process needs no database (none is opened: no connection pool to
size, and SQLite test databases need not be shared). No valid cookie: 401.

What is sent (layout in bookmarks.live): a person's events come from their Redis stream, by
id, so a browser that reconnects with Last-Event-ID gets what it missed first; one shared
pub/sub connection per process wakes the connections that have something new. A dashboard
(with `?feed=<token>`, the signed ids of the people it follows) also hears "feed" events of
those people. At most EVENTS_PER_PERSON streams per person per process: a new one closes the
oldest. A comment line every 15 s keeps proxies from dropping an idle stream.
"""

import asyncio
import contextlib
import json
import logging
import os
from collections import OrderedDict, defaultdict
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmarks.settings")
import django  # noqa: E402

django.setup()

import redis.asyncio as aioredis  # noqa: E402
from django.conf import settings  # noqa: E402

from bookmarks import eventauth, live  # noqa: E402

logger = logging.getLogger(__name__)
KEEPALIVE_SECONDS = 15.0
RETRY_MS = 3000


class Hub:
    """One Redis pub/sub connection for the process, fanning messages out to local queues."""

    def __init__(self) -> None:
        self.redis: aioredis.Redis | None = None
        self.pubsub = None
        self.queues: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self.reader: asyncio.Task | None = None
        self.lock = asyncio.Lock()  # one (un)subscribe at a time on the shared connection
        self.streams: dict[int, OrderedDict] = defaultdict(OrderedDict)  # person -> open ones

    def client(self) -> aioredis.Redis:
        if self.redis is None:
            # A bounded pool that waits: a thousand streams opening at once share 32
            # connections for their reads instead of each opening its own.
            pool = aioredis.BlockingConnectionPool.from_url(
                settings.REDIS_URL, decode_responses=True, max_connections=32, timeout=5
            )
            self.redis = aioredis.Redis(connection_pool=pool)
            # Its own client: the subscriber connection never waits for the pool.
            subscriber = aioredis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
            self.pubsub = subscriber.pubsub()
        return self.redis

    async def subscribe(self, channels: list[str], queue: asyncio.Queue) -> None:
        self.client()
        new = [c for c in channels if not self.queues.get(c)]
        for channel in channels:
            self.queues[channel].add(queue)
        if new:
            async with self.lock:
                await self.pubsub.subscribe(*new)
        if self.reader is None or self.reader.done():
            self.reader = asyncio.create_task(self._read())

    async def unsubscribe(self, channels: list[str], queue: asyncio.Queue) -> None:
        gone = []
        for channel in channels:
            listeners = self.queues.get(channel)
            if listeners is not None:
                listeners.discard(queue)
                if not listeners:
                    del self.queues[channel]
                    gone.append(channel)
        if gone:
            try:
                async with self.lock:
                    await self.pubsub.unsubscribe(*gone)
            except (aioredis.RedisError, OSError) as error:
                logger.warning("Redis unsubscribe failed: %s", error)

    async def _read(self) -> None:
        while self.queues:
            try:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except (aioredis.RedisError, OSError) as error:
                logger.warning("Redis pub/sub failed, retrying: %s", error)
                await asyncio.sleep(1)
                continue
            if message and message.get("type") == "message":
                for queue in list(self.queues.get(message["channel"], ())):
                    queue.put_nowait((message["channel"], message["data"]))

    def admit(self, user_id: int, stream) -> None:
        """Count a new stream of `user_id`; close the oldest beyond the limit."""
        open_streams = self.streams[user_id]
        open_streams[stream] = True
        while len(open_streams) > settings.EVENTS_PER_PERSON:
            oldest, _ = open_streams.popitem(last=False)
            oldest.close()

    def leave(self, user_id: int, stream) -> None:
        open_streams = self.streams.get(user_id)
        if open_streams is not None:
            open_streams.pop(stream, None)
            if not open_streams:
                del self.streams[user_id]

    def open_count(self) -> int:
        return sum(len(s) for s in self.streams.values())


hub = Hub()


class Stream:
    def __init__(self, user_id: int, last_id: str | None, actor_ids: list[int]) -> None:
        self.user_id = user_id
        self.last_id = last_id
        self.channel = live.user_channel(user_id)
        self.channels = [self.channel] + [live.actor_channel(a) for a in actor_ids]
        self.queue: asyncio.Queue = asyncio.Queue()

    def close(self) -> None:
        self.queue.put_nowait(None)


def _frame(event: str, data: str, event_id: str | None = None) -> bytes:
    lines = [f"id: {event_id}"] if event_id else []
    lines.append(f"event: {event}")
    lines += [f"data: {line}" for line in data.splitlines() or [""]]
    return ("\n".join(lines) + "\n\n").encode()


async def _missed(stream: Stream) -> list[bytes]:
    """The person's events after stream.last_id (all kept ones if it is "0"); advances it."""
    if stream.last_id is None:
        return []
    try:
        entries = await hub.client().xrange(stream.channel, min=f"({stream.last_id}", max="+")
    except (aioredis.RedisError, OSError) as error:
        logger.warning("Redis unavailable, missed events not read: %s", error)
        return []
    frames = []
    for entry_id, fields in entries:
        frames.append(_frame(fields.get("event", "message"), fields.get("data", ""), entry_id))
        stream.last_id = entry_id
    return frames


async def _latest_id(channel: str) -> str:
    try:
        newest = await hub.client().xrevrange(channel, max="+", min="-", count=1)
    except (aioredis.RedisError, OSError):
        return "0"
    return newest[0][0] if newest else "0"


def _valid_stream_id(value: str | None) -> str | None:
    if not value:
        return None
    ms, _, seq = value.partition("-")
    return value if ms.isdigit() and (seq == "" or seq.isdigit()) and len(value) < 40 else None


def _cookies(scope) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            with contextlib.suppress(CookieError):  # a malformed header is no login
                jar.load(value.decode("latin-1"))
    return jar


def _header(scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return None


def _cors_headers(scope) -> list[tuple[bytes, bytes]]:
    origin = _header(scope, b"origin")
    if origin and origin in settings.EVENTS_ALLOWED_ORIGINS:
        return [
            (b"access-control-allow-origin", origin.encode()),
            (b"access-control-allow-credentials", b"true"),
            (b"vary", b"Origin"),
        ]
    return []


async def _plain(send, status: int, body: bytes, extra=()) -> None:
    headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": status, "headers": headers + list(extra)})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    cors = _cors_headers(scope)
    if scope["path"] == "/events/health/":
        body = json.dumps({"open": hub.open_count()}).encode()
        return await _plain(send, 200, body, cors)
    if scope["path"] != "/events/":
        return await _plain(send, 404, b'{"status": "error", "message": "Not found."}')
    if scope["method"] != "GET":
        return await _plain(send, 405, b'{"status": "error", "message": "GET only."}', cors)
    jar = _cookies(scope)
    morsel = jar.get(eventauth.COOKIE_NAME)
    user_id = eventauth.user_id_from(morsel.value if morsel else "")
    if user_id is None:
        return await _plain(send, 401, b'{"status": "error", "message": "Please log in."}', cors)
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    last_id = _valid_stream_id(
        _header(scope, b"last-event-id") or (query.get("last_event_id") or [""])[0]
    )
    actor_ids = eventauth.actor_ids_from((query.get("feed") or [""])[0], user_id)
    await _serve(send, receive, cors, Stream(user_id, last_id, actor_ids))


async def _serve(send, receive, cors, stream: Stream) -> None:
    headers = [
        (b"content-type", b"text/event-stream; charset=utf-8"),
        (b"cache-control", b"no-store"),
        (b"x-accel-buffering", b"no"),  # nginx: pass each event on at once
    ] + cors
    await hub.subscribe(stream.channels, stream.queue)
    hub.admit(stream.user_id, stream)
    disconnected = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        disconnected.set()
        stream.close()

    watcher = asyncio.create_task(watch())
    try:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if stream.last_id is None:
            stream.last_id = await _latest_id(stream.channel)
            head = f"retry: {RETRY_MS}\nid: {stream.last_id}\n\n" if stream.last_id != "0" else ""
            await send(
                {
                    "type": "http.response.body",
                    "body": (head or f"retry: {RETRY_MS}\n\n").encode(),
                    "more_body": True,
                }
            )
        else:
            body = f"retry: {RETRY_MS}\n\n".encode() + b"".join(await _missed(stream))
            await send({"type": "http.response.body", "body": body, "more_body": True})
        while not disconnected.is_set():
            try:
                item = await asyncio.wait_for(stream.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                await send({"type": "http.response.body", "body": b": ping\n\n", "more_body": True})
                continue
            if item is None:  # closed: the client left, or a newer stream took the place
                break
            channel, data = item
            if channel == stream.channel:
                frames = await _missed(stream)
            else:
                try:
                    payload = json.loads(data)
                except ValueError:
                    continue
                frames = [_frame(payload.pop("event", "feed"), json.dumps(payload))]
            if frames:
                await send(
                    {"type": "http.response.body", "body": b"".join(frames), "more_body": True}
                )
        if not disconnected.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        pass  # the client went away mid-send
    finally:
        watcher.cancel()
        hub.leave(stream.user_id, stream)
        await hub.unsubscribe(stream.channels, stream.queue)
