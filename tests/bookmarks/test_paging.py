"""One past-the-end policy and one pager on every list (see bookmarks/paging.py): a page past
the end is a 404 that says so and links to the first page; its infinite-scroll fragment is
empty; every list with more than one page draws the same pager."""

import pytest
from django.urls import reverse

from actions.models import Action, Verb
from actions.services import create_action
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(auth_client, user, other_user):
    """Two pages of each list: images (8 a page), Bob's images, people (24), the feed (10)."""
    for n in range(9):
        make_image(other_user, title=f"Pic {n}")
    for n in range(24):
        make_user(f"member{n:02d}")
    targets = [make_user(f"t{n}") for n in range(11)]
    Action.objects.all().delete()
    for target in targets:
        create_action(other_user, Verb.FOLLOWS, target)
    return {
        "images": (reverse("images:list"), "images_only"),
        "person": (other_user.get_absolute_url(), "images_only"),
        "people": (reverse("user_list"), None),
        "dashboard": (reverse("dashboard"), "actions_only"),
    }


LISTS = ["images", "person", "people", "dashboard"]


@pytest.mark.parametrize("name", LISTS)
def test_a_page_past_the_end_is_404_with_a_link_to_the_first_page(auth_client, lists, name):
    url, _ = lists[name]
    assert auth_client.get(url, {"page": 2}).status_code == 200  # the last page
    response = auth_client.get(url, {"page": 3})
    assert response.status_code == 404
    html = response.content.decode()
    assert "This list has no page 3" in html
    assert f'href="{url}"' in html
    assert "No images bookmarked yet" not in html and "Nothing here yet" not in html


@pytest.mark.parametrize("name", ["images", "person", "dashboard"])
def test_the_infinite_scroll_fragment_past_the_end_is_empty(auth_client, lists, name):
    url, param = lists[name]
    response = auth_client.get(url, {"page": 3, param: 1})
    assert response.status_code == 200
    assert response.content.strip() == b""


@pytest.mark.parametrize("name", LISTS)
def test_every_list_draws_the_one_pager(auth_client, lists, name):
    url, _ = lists[name]
    first = auth_client.get(url).content.decode()
    assert '<nav class="pager" aria-label="Pages">' in first
    assert 'href="?page=2" rel="next"' in first and "Page 1" in first
    second = auth_client.get(url, {"page": 2}).content.decode()
    assert 'href="?page=1" rel="prev"' in second and 'rel="next"' not in second


def test_a_person_with_images_is_never_said_to_have_none(auth_client, other_user):
    make_image(other_user)
    page = auth_client.get(other_user.get_absolute_url(), {"page": 5})
    assert page.status_code == 404
    assert "No images bookmarked yet" not in page.content.decode()


def test_an_empty_list_still_has_its_first_page(auth_client, other_user):
    page = auth_client.get(other_user.get_absolute_url())
    assert page.status_code == 200
    assert "No images bookmarked yet" in page.content.decode()
