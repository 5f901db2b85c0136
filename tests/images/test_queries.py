import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_page_queries_do_not_grow_with_images(auth_client, user):
    make_image(user)
    one = count_queries(auth_client, reverse("images:list"))
    for n in range(8):
        make_image(make_user(f"owner{n}"))
    eight = count_queries(auth_client, reverse("images:list"))
    assert one == eight
    assert eight == 3  # user, page, unread badge (the session comes from Redis)


def test_infinite_scroll_page_queries_do_not_grow(auth_client, user):
    for n in range(16):
        make_image(user, title=f"p{n}")
    assert count_queries(auth_client, reverse("images:list") + "?page=2&images_only=1") <= 4


def test_detail_page_queries_do_not_grow_with_likers(auth_client, user, redis_client):
    image = make_image(user)
    image.users_like.add(make_user("liker0"))
    one = count_queries(auth_client, image.get_absolute_url())
    image.users_like.add(*[make_user(f"liker{n}") for n in range(1, 20)])
    twenty = count_queries(auth_client, image.get_absolute_url())
    assert one == twenty
    assert (
        twenty == 8
    )  # user, image+owner+liked?, likers, you (avatar), tags, boards, comments, badge
