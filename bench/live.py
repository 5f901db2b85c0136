"""`make bench-live`: the event process under load, measured.

Starts bookmarks/events.py under uvicorn (one process), opens BENCH_SSE_IDLE (default 1,000)
idle SSE connections of as many people, then times two things until the person's own open
stream (what their page's badge listens to) delivers the notification:
- BENCH_SSE_EVENTS times (default 200), an event sent the way a like sends it once it commits
  (bookmarks.live.publish_to_user: XADD + PUBLISH): the event path alone;
- BENCH_LIKES times (default 200), a real like: another person's POST /images/like/ through
  the whole Django stack (middleware, session, the like and its notification in the database,
  the commit), then the event to the owner's stream: like to badge. The site runs in this
  process (Django's test client, on a scratch SQLite database, BENCH_LIVE_DATABASE_URL); the
  liker likes and unlikes in turn (an unlike tells nobody).
Reports p50/p95/max of both and the event process's resident memory before and with the
connections open; writes bench/live-results.md.

Environment: BENCH_REDIS (default redis://127.0.0.1:6379/9), BENCH_SSE_PORT (8766).
"""

import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IDLE = int(os.environ.get("BENCH_SSE_IDLE", "1000"))
EVENTS = int(os.environ.get("BENCH_SSE_EVENTS", "200"))
LIKES = int(os.environ.get("BENCH_LIKES", "200"))
SCRATCH = Path(tempfile.mkdtemp(prefix="bench-live-"))
DATABASE = os.environ.get("BENCH_LIVE_DATABASE_URL", f"sqlite:///{SCRATCH / 'live.sqlite3'}")
PORT = int(os.environ.get("BENCH_SSE_PORT", "8766"))
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bookmarks.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdefghijklmnop",
    "ALLOWED_HOSTS": "127.0.0.1",
    "REDIS_URL": REDIS,
    "REDIS_KEY_PREFIX": "bench-live:",
    "EVENTS_PER_PERSON": "5",
    "DATABASE_URL": DATABASE,
    "MEDIA_ROOT": str(SCRATCH / "media"),
    "JOBS_INLINE": "1",
}
_NAMES = ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL",
          "DATABASE_URL", "MEDIA_ROOT", "JOBS_INLINE")  # fmt: skip
os.environ.update({name: ENV[name] for name in (*_NAMES, "REDIS_KEY_PREFIX")})
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from bookmarks import eventauth, live  # noqa: E402


def like_setup():
    """A scratch database with an image's owner and a liker logged in to a test client."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from tests.factories import make_image, make_user

    call_command("migrate", verbosity=0, interactive=False)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "like": (10**6, 60)}  # not what is timed
    owner, liker = make_user("bench-owner"), make_user("bench-liker")
    image = make_image(owner, title="Benched")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(liker)
    return owner, image, client


def post_like(client, image_id: int, action: str) -> None:
    response = client.post(
        "/images/like/", {"id": image_id, "action": action},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest", secure=True,
    )  # fmt: skip
    assert response.status_code == 200, response.content[:300]


def percentiles(values: list[float]) -> tuple[float, float, float]:
    values = sorted(values)
    return statistics.median(values), values[int(len(values) * 0.95) - 1], values[-1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def open_stream(user_id: int):
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT, limit=2**16)
    cookie = eventauth.cookie_for(user_id)
    writer.write(
        f"GET /events/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        f"Cookie: {eventauth.COOKIE_NAME}={cookie}\r\n\r\n".encode()
    )
    await writer.drain()
    status = await reader.readline()
    assert b" 200 " in status, status
    while (await reader.readline()).strip():  # headers
        pass
    return reader, writer


async def next_event(reader) -> None:
    while True:
        line = await reader.readline()
        if not line:
            raise EOFError
        if b"event: notification" in line:
            return


async def main() -> int:
    command = [sys.executable, "-m", "uvicorn", "bookmarks.events:app", "--host", "127.0.0.1",
               "--port", str(PORT), "--no-access-log", "--log-level", "warning",
               "--timeout-graceful-shutdown", "1"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=ENV)
    try:
        for _ in range(100):
            try:
                _, w = await asyncio.open_connection("127.0.0.1", PORT)
                w.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        base_mb = rss_mb(server.pid)
        owner, image, client = await asyncio.to_thread(like_setup)
        idle = []
        for start in range(0, IDLE, 100):
            idle += await asyncio.gather(
                *(open_stream(10_000 + i) for i in range(start, min(start + 100, IDLE)))
            )
        watcher, watcher_w = await open_stream(1)
        await asyncio.sleep(1)
        loaded_mb = rss_mb(server.pid)
        latencies = []
        for n in range(EVENTS):
            began = time.perf_counter()
            await asyncio.to_thread(live.publish_to_user, 1, "notification", {"unread": n})
            await asyncio.wait_for(next_event(watcher), 10)
            latencies.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(0.01)
        owner_stream, owner_w = await open_stream(owner.pk)
        await asyncio.sleep(0.5)
        likes = []
        for _ in range(LIKES):
            began = time.perf_counter()
            await asyncio.to_thread(post_like, client, image.pk, "like")
            await asyncio.wait_for(next_event(owner_stream), 10)
            likes.append((time.perf_counter() - began) * 1000)
            await asyncio.to_thread(post_like, client, image.pk, "unlike")
            await asyncio.sleep(0.01)
        loaded_mb = max(loaded_mb, rss_mb(server.pid))
        owner_w.close()
        p50, p95, top = percentiles(latencies)
        like_p50, like_p95, like_top = percentiles(likes)
        rows = [
            ("idle SSE connections", f"{len(idle):,}"),
            ("likes timed (POST /images/like/ → the owner's stream)", f"{LIKES}"),
            ("like → badge event p50", f"{like_p50:.1f} ms"),
            ("like → badge event p95", f"{like_p95:.1f} ms (goal ≤ 500 ms)"),
            ("like → badge event max", f"{like_top:.1f} ms"),
            ("events timed (publish only)", f"{EVENTS}"),
            ("publish → delivered p50", f"{p50:.1f} ms"),
            ("publish → delivered p95", f"{p95:.1f} ms"),
            ("publish → delivered max", f"{top:.1f} ms"),
            ("event process RSS, no connections", f"{base_mb:.0f} MB"),
            (
                f"event process RSS, {len(idle) + 2:,} connections (highest seen)",
                f"{loaded_mb:.0f} MB (goal ≤ 150 MB)",
            ),
        ]
        for _, w in idle:
            w.close()
        watcher_w.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    table = "| measure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = " / ".join(f"{n:.2f}" for n in os.getloadavg())
    text = (f"# Live updates bench ({when})\n\nOne uvicorn process running bookmarks/events.py, "
            f"Redis at {REDIS}, on {platform.machine()} with {os.cpu_count()} cores "
            f"(shared with other work: load average {load} at the end). Likes go through "
            f"the whole site in the bench's own process on {DATABASE.split(':')[0]} "
            f"(`python -m bench.live`).\n\n{table}\n")  # fmt: skip
    (ROOT / "bench" / "live-results.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
