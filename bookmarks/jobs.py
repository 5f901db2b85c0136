"""The background job queue: RQ on the site's Redis (through django-rq), one policy for all jobs.

- `enqueue(func, *args)` puts a job on the queue with the site's retry policy: a job that
  raises `Transient` (or anything unexpected) is tried again with backoff
  (`JOB_RETRY_BACKOFF`, 3 tries in all); a job decides itself what is final (it records the
  failure and returns). `tries_left()` tells a running job whether another try will follow.
- Jobs must be idempotent: delivery is at least once. A worker killed mid-job (SIGKILL, OOM,
  a lost machine) stops sending heartbeats; its job is handed to another worker once the
  heartbeat expires (`Worker` below shortens RQ's margins so that happens within 60 s).
- Without Redis (`make run` on a machine with none), jobs run in the web process, one at a
  time, on a thread of their own, and the log says so. `JOBS_INLINE` (tests that are not
  about the queue) runs them at once in the caller.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django_rq
from django.conf import settings
from rq import Callback, Retry, get_current_job
from rq.worker import Worker as RQWorker

from bookmarks.redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

QUEUE_NAME = "default"
TRIES = 3


class Transient(Exception):
    """Raised by a job when trying again later may work (a network error, a 5xx)."""


_local = threading.local()
_in_process = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job")


def tries_left() -> bool:
    """Whether the running job will be tried again if it raises now."""
    job = get_current_job()
    if job is not None:
        return bool(job.retries_left)
    return getattr(_local, "tries_left", 0) > 0


def get_queue():
    return django_rq.get_queue(QUEUE_NAME)


def enqueue(
    func: Callable[..., Any],
    *args: Any,
    on_give_up: Callable | None = None,
    job_id: str | None = None,
) -> None:
    """Run `func(*args)` in a worker, at least once. `on_give_up(*args)` runs when the last
    try failed with an unexpected error (or the worker running it died). `job_id` names the
    job, so a sweeper can tell whether it is still known (`job_exists`)."""
    if settings.JOBS_INLINE:
        _run_here(func, args, on_give_up, sleep=False)
        return
    try:
        get_queue().enqueue(
            func,
            *args,
            job_id=job_id,
            retry=Retry(max=TRIES - 1, interval=list(settings.JOB_RETRY_BACKOFF)),
            job_timeout=settings.JOB_TIMEOUT,
            failure_ttl=7 * 24 * 3600,
            on_failure=Callback(_gave_up) if on_give_up else None,
            meta={"on_give_up": _dotted(on_give_up), "args": list(args)} if on_give_up else {},
        )
    except REDIS_ERRORS:
        logger.warning(
            "No Redis for the job queue: running %s in the web process, one job at a time",
            _dotted(func),
        )
        _in_process.submit(_on_this_thread, func, args, on_give_up)


def _on_this_thread(func, args, on_give_up) -> None:
    from django.db import connections

    try:
        _run_here(func, args, on_give_up, sleep=True)
    finally:
        connections.close_all()  # the thread's own connections: none left open between jobs


def job_exists(job_id: str) -> bool:
    from rq.job import Job

    return Job.exists(job_id, connection=get_queue().connection)


def _run_here(func, args, on_give_up, *, sleep: bool) -> None:
    backoff = list(settings.JOB_RETRY_BACKOFF) + [0] * TRIES
    for attempt in range(TRIES):
        _local.tries_left = TRIES - 1 - attempt
        try:
            func(*args)
            return
        except Exception:
            if _local.tries_left == 0:
                logger.exception("Job %s failed for good", _dotted(func))
                if on_give_up:
                    on_give_up(*args)
                return
            if sleep:
                threading.Event().wait(backoff[attempt])
        finally:
            _local.tries_left = 0


def _dotted(func: Callable | None) -> str:
    return f"{func.__module__}.{func.__qualname__}" if func else ""


def _gave_up(job, connection, exc_type=None, exc_value=None, traceback=None) -> None:
    """RQ's failure callback: it runs on every failed try, our hook only on the last one."""
    if job.retries_left:
        return
    from django.utils.module_loading import import_string

    name = job.meta.get("on_give_up")
    if name:
        import_string(name)(*job.meta.get("args", []))


class Worker(RQWorker):
    """RQ's worker with margins short enough that a killed worker's job runs again within a
    minute: heartbeats every `JOB_HEARTBEAT_SECONDS`, a job whose heartbeat is that much late
    (plus a grace) is abandoned, and registries are cleaned as often."""

    def __init__(self, *args, **kwargs):
        beat = settings.JOB_HEARTBEAT_SECONDS
        kwargs.setdefault("job_monitoring_interval", beat)
        kwargs.setdefault("maintenance_interval", beat)
        # RQ cleans registries only between blocking waits for a job (worker_ttl - 15 s).
        kwargs.setdefault("worker_ttl", beat + 16)
        super().__init__(*args, **kwargs)

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        return self.job_monitoring_interval + settings.JOB_HEARTBEAT_GRACE

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        # Work whose job was lost before it reached the queue (a web process killed between
        # committing a row and queueing its job): each sweeper queues it again.
        from django.utils.module_loading import import_string

        for name in settings.JOB_SWEEPERS:
            try:
                import_string(name)()
            except Exception:
                logger.exception("Job sweeper %s failed", name)
        queue_periodic_jobs()


def queue_periodic_jobs() -> list[str]:
    """Queue each of `JOB_PERIODIC` (dotted name -> seconds) that is due: at most once per its
    interval across all workers, however many there are (a Redis key set with NX that expires
    after the interval decides which worker queues it). Every worker calls this when it starts
    and between jobs (Worker.run_maintenance_tasks), so a periodic job needs no cron and no
    process of its own beyond `make worker`. Returns the names queued now."""
    from django.utils.module_loading import import_string

    queued = []
    connection = get_queue().connection
    for name, seconds in settings.JOB_PERIODIC.items():
        key = f"{settings.REDIS_KEY_PREFIX}jobs:periodic:{name}"
        try:
            due = connection.set(key, "queued", nx=True, ex=max(1, int(seconds)))
            if due:
                enqueue(import_string(name))
                queued.append(name)
        except REDIS_ERRORS:
            logger.warning("No Redis: periodic job %s not queued", name)
        except Exception:
            logger.exception("Periodic job %s could not be queued", name)
    return queued


def queue_health() -> dict[str, Any] | None:
    """Queued, running, failed and scheduled counts and the oldest queued job's age in
    seconds; None when Redis is unavailable."""
    from datetime import UTC

    from django.utils import timezone

    try:
        queue = get_queue()
        oldest_age = None
        first = queue.get_job_ids(0, 1)  # the queue's head: the job waiting longest
        if first:
            job = queue.fetch_job(first[0])
            if job is not None and job.enqueued_at is not None:
                enqueued = job.enqueued_at
                if timezone.is_naive(enqueued):
                    enqueued = enqueued.replace(tzinfo=UTC)
                oldest_age = (timezone.now() - enqueued).total_seconds()
        return {
            "queued": queue.count,
            "running": queue.started_job_registry.count,
            "failed": queue.failed_job_registry.count,
            "scheduled": queue.scheduled_job_registry.count,
            "workers": RQWorker.count(queue=queue),
            "oldest_age": oldest_age,
        }
    except REDIS_ERRORS:
        return None
