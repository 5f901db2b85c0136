"""The digest is sent by a background job that the workers queue themselves
(settings.JOB_PERIODIC, bookmarks.jobs.queue_periodic_jobs): no cron, no extra process."""

import os
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.db import connection

from bookmarks.jobs import queue_periodic_jobs
from bookmarks.social import Happening
from notifications.models import Preferences
from notifications.services import notify
from tests.conftest import ROOT, kill_group
from tests.factories import make_image

DIGEST = "notifications.digest.send_due_digests"


def unread_like_for(user, other_user, title="Sunset"):
    Preferences.objects.update_or_create(user=user, defaults={"email_digest": True})
    notify(Happening.LIKED, actor=other_user, target=make_image(user, title=title))


@pytest.mark.django_db
def test_workers_queue_the_digest_once_per_interval_however_many_ask(
    user, other_user, redis_client, settings
):
    settings.JOB_PERIODIC = {DIGEST: 3}
    unread_like_for(user, other_user)
    assert queue_periodic_jobs() == [DIGEST]  # JOBS_INLINE: the job ran here and then
    assert [queue_periodic_jobs() for _ in range(5)] == [[]] * 5  # other workers: not yet due
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"] and 'Bob liked "Sunset"' in message.body
    time.sleep(3.2)
    assert queue_periodic_jobs() == [DIGEST]  # due again; the person already had today's
    assert len(mail.outbox) == 1


def test_without_redis_nothing_is_queued_and_nothing_breaks(redis_down, settings):
    settings.JOB_PERIODIC = {DIGEST: 1}
    settings.RQ_QUEUES = {"default": {"URL": redis_down}}
    assert queue_periodic_jobs() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers need PostgreSQL")
def test_a_real_worker_sends_the_digest_by_itself(user, other_user, settings, tmp_path):
    """`manage.py rqworker` as `make worker` and `make run` start it, on the test database and
    Redis, mails through the console: the digest appears in its output without anyone
    running a command."""
    unread_like_for(user, other_user, title="Seen by the worker")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "JOBS_INLINE": "0",
        "EMAIL_URL": "console://",
        "JOB_HEARTBEAT_SECONDS": "1",
        "DOTENV_FILE": "",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "rqworker", "default", "--with-scheduler"],
            env=env, cwd=ROOT, start_new_session=True, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            prefs = Preferences.objects.get(user=user)
            if prefs.digest_sent_at is not None and "Seen by the worker" in log.read_text():
                break
            time.sleep(0.3)
        else:
            raise AssertionError(f"no digest from the worker: {log.read_text()[-3000:]}")
        text = log.read_text()
        assert "Subject: Your Bookmarks digest" in text and "To: alice@example.com" in text
        assert "/notifications/unsubscribe/" in text
    finally:
        kill_group(worker)
