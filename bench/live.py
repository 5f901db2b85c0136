"""`make bench-live`: the event process under load, measured.

Starts bookmarks/events.py under uvicorn (one process), opens BENCH_SSE_IDLE (default 1,000)
idle SSE connections of as many people, then, BENCH_SSE_EVENTS times (default 200), sends one
person an event the way a like does once it commits (bookmarks.live.publish_to_user: XADD +
PUBLISH) and times it until that person's open stream delivers it. Reports p50/p95/max of
that latency and the process's resident memory before and with the connections open; writes
bench/live-results.md. The like's own HTTP request and SQL are what `make bench` measures.

Environment: BENCH_REDIS (default redis://127.0.0.1:6379/9), BENCH_SSE_PORT (8766).
"""

import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IDLE = int(os.environ.get("BENCH_SSE_IDLE", "1000"))
EVENTS = int(os.environ.get("BENCH_SSE_EVENTS", "200"))
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
}
_NAMES = ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL")
os.environ.update({name: ENV[name] for name in (*_NAMES, "REDIS_KEY_PREFIX")})
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from bookmarks import eventauth, live  # noqa: E402


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
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        rows = [
            ("idle SSE connections", f"{len(idle):,}"),
            ("events timed", f"{EVENTS}"),
            ("publish → delivered p50", f"{statistics.median(latencies):.1f} ms"),
            ("publish → delivered p95", f"{p95:.1f} ms (goal ≤ 500 ms)"),
            ("publish → delivered max", f"{latencies[-1]:.1f} ms"),
            ("event process RSS, no connections", f"{base_mb:.0f} MB"),
            (
                f"event process RSS, {len(idle) + 1:,} connections",
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
    text = (f"# Live updates bench ({when})\n\nOne uvicorn process running bookmarks/events.py, "
            f"Redis at {REDIS}, on {platform.machine()} with {os.cpu_count()} cores "
            f"(shared with other work).\n\n{table}\n")  # fmt: skip
    (ROOT / "bench" / "live-results.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
