import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from account.forms import FollowForm
from account.models import Contact
from account.services import follow_user
from bookmarks.http import Refused
from images.forms import LikeForm
from images.models import Image
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def follow(client, user_id, action="follow", ajax=True, **extra):
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if ajax else {}
    data = {"id": user_id, "action": action, **extra}
    return client.post(reverse("user_follow"), data, **headers)


def test_follow_and_unfollow_json_contract(auth_client, user, other_user):
    response = follow(auth_client, other_user.id)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "followers": 1}
    assert list(user.following.all()) == [other_user]
    assert list(other_user.followers.all()) == [user]
    assert follow(auth_client, other_user.id, "unfollow").json() == {
        "status": "ok",
        "followers": 0,
    }
    assert Contact.objects.count() == 0


def test_double_follow_creates_one_contact(auth_client, other_user):
    follow(auth_client, other_user.id)
    assert follow(auth_client, other_user.id).json()["followers"] == 1
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"id": "SELF", "action": "follow"}, "You cannot follow yourself."),
        ({"id": "999999", "action": "follow"}, "No such user."),
        ({"id": "nope", "action": "follow"}, "whole number"),
        ({"id": "OTHER", "action": "befriend"}, "valid choice"),
        ({"action": "follow"}, "required"),
        ({"id": "99999999999999999999999", "action": "follow"}, "less than or equal"),
    ],
)
def test_follow_bad_input_is_400_json(auth_client, user, other_user, data, message):
    ids = {"SELF": str(user.id), "OTHER": str(other_user.id)}
    data = {k: ids.get(v, v) for k, v in data.items()}
    response = auth_client.post(
        reverse("user_follow"), data, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert message in response.json()["message"]
    assert Contact.objects.count() == 0


def test_following_an_inactive_user_is_refused(auth_client, other_user):
    other_user.is_active = False
    other_user.save()
    assert follow(auth_client, other_user.id).status_code == 400


def test_follow_by_get_is_405(auth_client):
    assert auth_client.get(reverse("user_follow")).status_code == 405


def test_follow_needs_login(client, other_user):
    assert follow(client, other_user.id).status_code == 401
    response = follow(client, other_user.id, ajax=False)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_follow_without_js_redirects_back(auth_client, other_user):
    back = other_user.get_absolute_url()
    response = follow(auth_client, other_user.id, ajax=False, next=back)
    assert response.status_code == 302
    assert response.url == back
    assert Contact.objects.count() == 1


def test_follow_without_js_bad_input_is_a_400_page(auth_client, user):
    response = follow(auth_client, user.id, ajax=False)
    assert response.status_code == 400
    assert "You cannot follow yourself." in response.content.decode()


def test_database_forbids_following_yourself(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(user_from=user, user_to=user)


def test_database_forbids_a_second_identical_contact(user, other_user):
    Contact.objects.create(user_from=user, user_to=other_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(user_from=user, user_to=other_user)


def test_user_list_shows_active_users(auth_client, user, other_user):
    ghost = make_user("ghost")
    ghost.is_active = False
    ghost.save()
    response = auth_client.get(reverse("user_list"))
    names = [p.username for p in response.context["page"].object_list]
    assert names == ["alice", "bob"]


def test_user_detail_shows_follow_state_followers_and_images(auth_client, user, other_user):
    make_image(other_user, title="Bob's bicycle")
    follow(auth_client, other_user.id)
    response = auth_client.get(other_user.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bob's bicycle" in page or "Bob&#x27;s bicycle" in page
    assert response.context["person"].follower_count == 1
    assert 'value="unfollow"' in page


def test_user_detail_infinite_scroll(auth_client, other_user):
    for n in range(9):
        make_image(other_user, title=f"Pic {n}")
    url = other_user.get_absolute_url()
    assert 'data-next-page="2"' in auth_client.get(url).content.decode()
    more = auth_client.get(url, {"page": 2, "images_only": 1}).content.decode()
    assert "Pic 0" in more and "Pic 1" not in more
    assert auth_client.get(url, {"page": 3, "images_only": 1}).content.strip() == b""


def test_unknown_or_inactive_user_page_is_404(auth_client, other_user):
    assert auth_client.get(reverse("user_detail", args=["nobody"])).status_code == 404
    other_user.is_active = False
    other_user.save()
    assert auth_client.get(other_user.get_absolute_url()).status_code == 404


def test_user_list_pages_without_counting(auth_client, django_assert_max_num_queries):
    for n in range(30):
        make_user(f"member{n:02d}")
    first = auth_client.get(reverse("user_list"))
    assert len(first.context["page"].object_list) == 24
    assert 'href="?page=2"' in first.content.decode()
    second = auth_client.get(reverse("user_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 7  # 31 users in all
    assert "?page=3" not in second.content.decode()
    past_end = auth_client.get(reverse("user_list"), {"page": 9})
    assert past_end.status_code == 404
    with django_assert_max_num_queries(4):  # session, user, page of people, badge
        auth_client.get(reverse("user_list"))


def test_following_yourself_is_refused_by_the_service_with_the_one_refusal_type(user):
    with pytest.raises(Refused, match="You cannot follow yourself."):
        follow_user(user_from=user, user_to=user, follow=True)
    assert Contact.objects.count() == 0


def test_like_and_follow_forms_clean_to_the_same_kind_of_value(user, other_user):
    image = make_image(other_user)
    like = LikeForm({"id": image.id, "action": "like"}, user=user)
    follow = FollowForm({"id": other_user.id, "action": "follow"}, user=user)
    assert like.is_valid() and follow.is_valid()
    assert like.cleaned_data["id"] == image and isinstance(like.cleaned_data["id"], Image)
    assert follow.cleaned_data["id"] == other_user


@pytest.fixture
def two_follows_a_minute(settings, redis_client):
    settings.RATE_LIMITS = {"follow": (2, 60)}


@pytest.mark.parametrize("ajax", [True, False])
def test_follows_past_the_limit_are_429_and_change_nothing(
    two_follows_a_minute, auth_client, user, ajax
):
    from actions.models import Action

    first, second, third = (make_user(name) for name in ("carol", "dave", "erin"))
    assert follow(auth_client, first.id).status_code == 200
    assert follow(auth_client, second.id, "unfollow").status_code == 200  # unfollowing counts
    actions_before = Action.objects.count()

    response = follow(auth_client, third.id, ajax=ajax, next=third.get_absolute_url())

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    if ajax:
        assert response.json()["status"] == "error"
        message = response.json()["message"]
    else:
        message = response.content.decode()
        assert 'href="' + third.get_absolute_url() + '"' in message  # a way back
    assert "Too many attempts. Please try again in" in message
    assert not Contact.objects.filter(user_to=third).exists()
    assert Action.objects.count() == actions_before


def test_the_follow_limit_is_per_person(two_follows_a_minute, auth_client, user, other_user):
    carol = make_user("carol")
    for action in ("follow", "unfollow"):
        follow(auth_client, carol.id, action)
    assert follow(auth_client, carol.id).status_code == 429
    auth_client.force_login(other_user)
    assert follow(auth_client, carol.id).json() == {"status": "ok", "followers": 1}
