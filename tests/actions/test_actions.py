from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Verb
from actions.services import create_action
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db

AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def verbs(user):
    return list(Action.objects.filter(user=user).values_list("verb", flat=True))


def test_registration_records_has_created_an_account(client):
    client.post(
        reverse("register"),
        {
            "username": "newbie",
            "first_name": "New",
            "email": "new@example.com",
            "password": "purple-elephant-42",
            "password2": "purple-elephant-42",
        },
    )
    action = Action.objects.get()
    assert (action.user.username, action.verb, action.target) == (
        "newbie",
        Verb.JOINED,
        None,
    )


def test_bookmarking_records_one_action(auth_client, user, httpserver, allow_loopback_fetch):
    from tests.images.imagedata import make_image_bytes

    httpserver.expect_request("/a.png").respond_with_data(
        make_image_bytes("PNG"), content_type="image/png"
    )
    url = f"http://127.0.0.1:{httpserver.port}/a.png"
    Action.objects.all().delete()
    auth_client.post(reverse("images:create"), {"title": "A", "url": url})
    action = Action.objects.get()
    assert action.verb == Verb.BOOKMARKED
    assert action.target.url == url


def test_like_records_one_action_and_unlike_none(auth_client, user, other_user):
    image = make_image(other_user)
    Action.objects.all().delete()
    like = {"id": image.id, "action": "like"}
    auth_client.post(reverse("images:like"), like, **AJAX)
    auth_client.post(reverse("images:like"), {**like, "action": "unlike"}, **AJAX)
    auth_client.post(reverse("images:like"), like, **AJAX)  # again within 60 s: nothing new
    assert verbs(user) == [Verb.LIKES]
    assert Action.objects.get().target == image


def test_follow_records_one_action_and_unfollow_none(auth_client, user, other_user):
    Action.objects.all().delete()
    data = {"id": other_user.id, "action": "follow"}
    auth_client.post(reverse("user_follow"), data, **AJAX)
    auth_client.post(reverse("user_follow"), {**data, "action": "unfollow"}, **AJAX)
    assert verbs(user) == [Verb.FOLLOWS]
    assert Action.objects.get().target == other_user


def test_same_action_within_60_seconds_is_skipped_and_after_is_recorded(user, other_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert create_action(user, Verb.FOLLOWS, other_user) is True
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert create_action(user, Verb.FOLLOWS, other_user) is False
        assert create_action(user, Verb.LIKES, other_user) is True  # another verb
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert create_action(user, Verb.FOLLOWS, other_user) is True
    assert Action.objects.filter(verb=Verb.FOLLOWS).count() == 2


def test_same_verb_on_another_target_is_recorded(user):
    a, b = make_user("a1"), make_user("b1")
    assert create_action(user, Verb.FOLLOWS, a)
    assert create_action(user, Verb.FOLLOWS, b)
