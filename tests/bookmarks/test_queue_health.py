"""Queue health for staff: queued, running, failed and the oldest job's age (real Redis)."""

import pytest
from django.urls import reverse

from bookmarks import jobs
from tests.factories import make_user


def make_staff():
    staff = make_user("boss")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    return staff


pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # django-rq queues a job when the transaction commits
def test_staff_see_queued_jobs_and_the_oldest_ones_age(client, settings, redis_client):
    settings.JOBS_INLINE = False
    jobs.enqueue(print, "never run: no worker in this test")
    jobs.enqueue(print, "nor this one")
    staff = make_staff()
    client.force_login(staff)
    page = client.get(reverse("queue_health")).content.decode()
    assert '<td data-health="queued">2</td>' in page
    assert '<td data-health="running">0</td>' in page
    assert '<td data-health="failed">0</td>' in page
    assert " s old</td>" in page


def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, user):
    client.force_login(user)
    response = client.get(reverse("queue_health"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_without_redis_the_page_says_so(client, settings, redis_down):
    settings.RQ_QUEUES = {"default": {"URL": redis_down}}
    client.force_login(make_staff())
    assert "Redis is unavailable" in client.get(reverse("queue_health")).content.decode()
