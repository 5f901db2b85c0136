from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from images.models import Image
from tests.factories import make_image, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_50_concurrent_likes_and_unlikes_keep_total_likes_exact():
    owner = make_user("owner")
    image = make_image(owner)
    users = [make_user(f"fan{n}") for n in range(50)]
    # Half of them already like it; they unlike while the other half like.
    image.users_like.add(*users[:25])

    def act(index):
        try:
            client = Client()
            client.force_login(users[index])
            action = "unlike" if index < 25 else "like"
            response = client.post(
                reverse("images:like"),
                {"id": image.id, "action": action},
                HTTP_X_REQUESTED_WITH="XMLHttpRequest",
            )
            return response.status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(act, range(50)))
    assert statuses == [200] * 50
    image = Image.objects.get(pk=image.pk)
    assert image.users_like.count() == 25
    assert image.total_likes == image.users_like.count()
