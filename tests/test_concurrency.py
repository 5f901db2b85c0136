"""Many people clicking at once, on PostgreSQL (where requests really run in parallel):
counters stay equal to the rows and nobody gets a 500."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from account.models import Contact
from images.models import Image
from tests.factories import make_image, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def post_as(user, path, data):
    try:
        client = Client()
        client.force_login(user)
        response = client.post(path, data, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        return response.status_code, response.json()
    finally:
        connections.close_all()


def test_100_concurrent_likes_unlikes_follows_and_unfollows_keep_counts_exact():
    owner = make_user("owner")
    image = make_image(owner)
    fans = [make_user(f"fan{n}") for n in range(50)]
    # Half of them already like the image and follow its owner; they take it back while the
    # other half like and follow, all at the same time, in a shuffled order.
    image.users_like.add(*fans[:25])
    Contact.objects.bulk_create([Contact(user_from=f, user_to=owner) for f in fans[:25]])
    jobs = []
    for n, fan in enumerate(fans):
        old = n < 25
        jobs.append(
            (fan, reverse("images:like"), {"id": image.id, "action": "unlike" if old else "like"})
        )  # noqa: E501
        jobs.append(
            (
                fan,
                reverse("user_follow"),
                {"id": owner.id, "action": "unfollow" if old else "follow"},
            )
        )  # noqa: E501
    jobs = jobs[::2] + jobs[1::2][::-1]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda job: post_as(*job), jobs))

    assert len(results) == 100
    assert [status for status, _ in results] == [200] * 100
    image = Image.objects.get(pk=image.pk)
    assert image.users_like.count() == 25
    assert image.total_likes == image.users_like.count()
    assert Contact.objects.filter(user_to=owner).count() == 25
    assert set(owner.followers.all()) == set(fans[25:])
    # The last answers saw a consistent count (never more than could exist).
    assert all(0 <= body.get("likes", body.get("followers")) <= 50 for _, body in results)


def delete_user(pk):
    try:
        from django.contrib.auth import get_user_model

        get_user_model().objects.get(pk=pk).delete()
        return "deleted"
    finally:
        connections.close_all()


def test_likes_while_likers_delete_their_accounts_keep_the_count_exact():
    owner = make_user("owner")
    image = make_image(owner)
    leaving = [make_user(f"leaving{n}") for n in range(15)]
    arriving = [make_user(f"arriving{n}") for n in range(15)]
    image.users_like.add(*leaving)
    jobs = [lambda u=user: delete_user(u.pk) for user in leaving]
    jobs += [
        lambda u=user: post_as(u, reverse("images:like"), {"id": image.id, "action": "like"})
        for user in arriving
    ]
    # Likes and deletions overlap; the last 8 jobs are deletions, so no like comes after them
    # to recount for them.
    deletions, likes = jobs[:15], jobs[15:]
    jobs = [job for pair in zip(deletions[:7], likes[:7], strict=True) for job in pair]
    jobs += likes[7:] + deletions[7:]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda job: job(), jobs))

    assert results.count("deleted") == 15
    image = Image.objects.get(pk=image.pk)
    assert image.users_like.count() == 15
    assert image.total_likes == 15
