"""With Redis unreachable every page is served and the site's writes still work; when Redis
is back, counting resumes."""

import pytest
from django.urls import reverse

from account.models import Contact
from images.models import Image
from tests.factories import make_image
from tests.images.imagedata import make_image_bytes

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/140"}


def test_every_page_answers_and_writes_work_with_redis_down(
    auth_client, user, other_user, redis_down, httpserver, server_url, allow_loopback_fetch
):
    image = make_image(other_user, title="Still here")
    pages = [
        reverse("dashboard"),
        reverse("images:list"),
        reverse("images:list") + "?page=1&images_only=1",
        image.get_absolute_url(),
        reverse("images:ranking"),
        reverse("images:ranking") + "?period=day",
        reverse("images:ranking") + "?period=week",
        reverse("user_list"),
        other_user.get_absolute_url(),
        reverse("edit"),
        reverse("images:create") + "?url=https%3A%2F%2Fx.example%2Fa.jpg&title=A",
        reverse("images:pick"),
    ]
    for page in pages:
        assert auth_client.get(page, **BROWSER).status_code == 200, page

    ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    liked = auth_client.post(reverse("images:like"), {"id": image.id, "action": "like"}, **ajax)
    assert liked.json() == {"status": "ok", "likes": 1}
    followed = auth_client.post(
        reverse("user_follow"), {"id": other_user.id, "action": "follow"}, **ajax
    )
    assert followed.json() == {"status": "ok", "followers": 1}
    assert Contact.objects.filter(user_from=user, user_to=other_user).exists()

    httpserver.expect_request("/new.png").respond_with_data(
        make_image_bytes("PNG"), content_type="image/png"
    )
    created = auth_client.post(
        reverse("images:create"), {"title": "Saved anyway", "url": server_url("/new.png")}
    )
    assert created.status_code == 302
    assert Image.objects.filter(title="Saved anyway").exists()
    with_note = auth_client.get(created.url, **BROWSER).content.decode()
    assert "Views unavailable right now" in with_note
