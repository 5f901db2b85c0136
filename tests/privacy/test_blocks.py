"""Acceptance 4: blocking a person removes their follow (both ways), refuses their follow,
like, save and comment with a 4xx, hides your pages from them (404) and their actions from
you; notifications from them are not made. Unblock lifts it."""

import pytest
from django.test import Client
from django.urls import reverse

from account.models import Contact
from actions.models import Verb
from actions.services import create_action
from blocks.models import Block
from boards.models import BoardEntry
from boards.services import add_member, create_board
from comments.models import Comment
from images.services import like_image
from notifications.models import Notification
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def blocked(user, other_user):
    """alice (user) blocks bob (other_user) through her button; they followed each other."""
    user.following.add(other_user)
    other_user.following.add(user)
    board = create_board(owner=user, name="Ours")
    add_member(board=board, username="bob", role="editor")
    alice = logged_in(user)
    page = alice.get(other_user.get_absolute_url()).content.decode()
    assert reverse("user_block", args=["bob"]) in page and ">Block<" in page
    response = alice.post(reverse("user_block", args=["bob"]), {"action": "block"})
    assert response.status_code == 302
    return alice, logged_in(other_user), board


def test_blocking_removes_the_follows_and_collaboration(blocked, user, other_user):
    assert Block.objects.filter(blocker=user, blocked=other_user).exists()
    assert not Contact.objects.exists()
    assert not other_user.board_memberships.exists()


def test_the_blocked_person_is_refused_with_4xx(blocked, user, other_user):
    _, bob, board = blocked
    image = make_image(user)
    follow = bob.post(reverse("user_follow"), {"id": user.pk, "action": "follow"}, **AJAX)
    assert follow.status_code == 400 and not Contact.objects.exists()
    like = bob.post(reverse("images:like"), {"id": image.pk, "action": "like"}, **AJAX)
    assert like.status_code == 400 and not image.users_like.exists()
    own_board = create_board(owner=other_user, name="Bob's")
    save = bob.post(reverse("boards:save"), {"image": image.pk, "board": own_board.pk}, **AJAX)
    assert save.status_code == 400 and not BoardEntry.objects.exists()
    comment = bob.post(reverse("comments:create"), {"image": image.pk, "body": "hi"}, **AJAX)
    assert 400 <= comment.status_code < 500 and not Comment.objects.exists()
    # nor can the blocker follow the one they blocked (unblock first)
    alice, _, _ = blocked
    assert (
        alice.post(
            reverse("user_follow"), {"id": other_user.pk, "action": "follow"}, **AJAX
        ).status_code
        == 400
    )


def test_the_blockers_pages_are_hidden_from_the_blocked(blocked, user):
    _, bob, board = blocked
    assert bob.get(user.get_absolute_url()).status_code == 404
    assert bob.get(reverse("user_boards", args=["alice"])).status_code == 404
    assert bob.get(board.get_absolute_url()).status_code == 404


def test_the_blocked_persons_actions_are_hidden_from_the_blocker(blocked, user, other_user):
    alice, _, _ = blocked
    image = make_image(other_user, title="Bob's picture")
    create_action(other_user, Verb.BOOKMARKED, image)
    feed = alice.get(reverse("dashboard")).content.decode()  # alice follows nobody now
    assert "Bob's picture" not in feed


def test_no_notification_from_a_blocked_person(blocked, user, other_user):
    image = make_image(user)
    like_image(user=other_user, image_id=image.pk, like=False)  # unliking is still fine
    with pytest.raises(Exception):  # noqa: B017 - Refused: likes are refused outright
        like_image(user=other_user, image_id=image.pk, like=True)
    assert not Notification.objects.filter(recipient=user).exists()


def test_unblock_lifts_it(blocked, user, other_user):
    alice, bob, _ = blocked
    assert ">Unblock<" in alice.get(other_user.get_absolute_url()).content.decode()
    assert alice.post(reverse("user_block", args=["bob"]), {"action": "unblock"}).status_code == 302
    assert not Block.objects.exists()
    assert bob.get(user.get_absolute_url()).status_code == 200
    follow = bob.post(reverse("user_follow"), {"id": user.pk, "action": "follow"}, **AJAX)
    assert follow.status_code == 200


def test_bad_block_requests(auth_client, user):
    assert (
        auth_client.post(reverse("user_block", args=["alice"]), {"action": "block"}).status_code
        == 400
    )
    assert (
        auth_client.post(reverse("user_block", args=["nobody"]), {"action": "block"}).status_code
        == 404
    )
    assert (
        auth_client.post(reverse("user_block", args=["alice"]), {"action": "zap"}).status_code
        == 400
    )
    assert auth_client.get(reverse("user_block", args=["alice"])).status_code == 405
    assert (
        Client().post(reverse("user_block", args=["alice"]), {"action": "block"}).status_code == 302
    )
    assert not Block.objects.exists()


def test_the_blockers_boards_are_not_found_by_search_nor_read_through_the_api(blocked, user):
    """Blocked by alice, bob finds none of her boards (search, suggestions) and the API's
    board routes answer as for no board, as her board pages do."""
    from api.tokens import create_token

    _, bob, board = blocked
    public = create_board(owner=user, name="Ours in public")
    results = bob.get(reverse("search:results"), {"q": "ours", "type": "boards"})
    assert results.status_code == 200 and "Ours in public" not in results.content.decode()
    suggested = bob.get(reverse("search:suggest"), {"q": "ours"}).json()
    assert suggested["boards"] == []
    _, secret = create_token(user=Block.objects.get().blocked, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for path in [f"/api/v1/boards/{public.pk}/", f"/api/v1/boards/{public.pk}/entries/"]:
        answer = api.get(path)
        assert answer.status_code == 404 and answer.json()["detail"] == "No such board.", path
    # The same searches find the board for someone alice did not block.
    carol = logged_in(make_user("carol"))
    found = carol.get(reverse("search:results"), {"q": "ours", "type": "boards"})
    assert "Ours in public" in found.content.decode()
    assert board.pk != public.pk
