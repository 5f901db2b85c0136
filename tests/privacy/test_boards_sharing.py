"""Acceptance 2 and 3: secret boards are seen by their owner and collaborators only; viewer
and editor rights hold on every board endpoint (404 without access, 403 for a viewer who
tries to edit); share links work logged out, show nothing else, and answer 404 once revoked
or when wrong."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action
from boards.models import Board, BoardEntry, BoardMember, Role, Visibility
from boards.services import add_member, create_board, save_to_board
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(user, other_user):
    return {
        "owner": user,
        "editor": other_user,
        "viewer": make_user("vera"),
        "stranger": make_user("sam"),
    }


@pytest.fixture
def secret(people):
    board = create_board(owner=people["owner"], name="Gifts", secret=True)
    add_member(board=board, username="bob", role=Role.EDITOR)
    add_member(board=board, username="vera", role=Role.VIEWER)
    images = [make_image(people["owner"], title=f"img{n}") for n in range(3)]
    for image in images:
        save_to_board(user=people["owner"], image_id=image.pk, board_id=board.pk)
    board.refresh_from_db()
    return board, images


def test_a_secret_board_is_seen_by_its_owner_and_collaborators_only(people, secret):
    board, _ = secret
    for who in ("owner", "editor", "viewer"):
        client = logged_in(people[who])
        assert client.get(board.get_absolute_url()).status_code == 200, who
    assert logged_in(people["stranger"]).get(board.get_absolute_url()).status_code == 404
    assert Client().get(board.get_absolute_url()).status_code == 404
    # not on the owner's Boards tab for others, but on the collaborators' "Shared with me"
    tab = reverse("user_boards", args=["alice"])
    assert "Gifts" not in logged_in(people["stranger"]).get(tab).content.decode()
    assert "Gifts" in logged_in(people["owner"]).get(tab).content.decode()
    mine = logged_in(people["viewer"]).get(reverse("user_boards", args=["vera"]))
    assert "Shared with me" in mine.content.decode() and "Gifts" in mine.content.decode()
    # saving to it told nobody
    assert not Action.objects.filter(target_id=board.pk, public=True).exists()


def test_saving_to_a_secret_board_records_no_action_anyone_sees(people, other_user):
    board = create_board(owner=people["owner"], name="Hidden", secret=True)
    image = make_image(other_user)
    save_to_board(user=people["owner"], image_id=image.pk, board_id=board.pk)
    people["stranger"].following.add(people["owner"])
    feed = logged_in(people["stranger"]).get(reverse("dashboard")).content.decode()
    assert "Hidden" not in feed and "saved to board" not in feed


def endpoints(board, image_id):
    base = f"/boards/{board.owner.username}/{board.slug}/"
    return {
        "edit": ("post", base + "edit/", {"name": "Renamed"}),
        "delete": ("post", base + "delete/", {}),
        "members": (
            "post",
            base + "members/",
            {"action": "add", "username": "sam", "role": "viewer"},
        ),
        "share": ("post", base + "share/", {}),
        "cover": ("post", base + "cover/", {"image": image_id}),
        "move": ("post", base + "move/", {"image": image_id, "position": 2}),
        "remove": ("post", "/boards/remove/", {"image": image_id, "board": board.pk}),
        "save": ("post", "/boards/save/", {"image": image_id, "board": board.pk}),
    }


OWNER_ONLY = {"edit", "delete", "members", "share", "cover"}
EDITOR_TOO = {"move", "remove", "save"}


@pytest.mark.parametrize("endpoint", sorted(OWNER_ONLY | EDITOR_TOO))
def test_rights_on_every_board_endpoint(people, secret, endpoint):
    board, images = secret
    outsider_image = make_image(people["stranger"])
    image_id = outsider_image.pk if endpoint == "save" else images[0].pk
    method, url, data = endpoints(board, image_id)[endpoint]
    before = (
        Board.objects.get(pk=board.pk).name,
        list(BoardEntry.objects.values_list("image_id", "position")),
    )
    expected = {
        "stranger": 404 if endpoint not in ("remove", "save") else 400,  # no such board of yours
        "viewer": 403,
        "editor": 403 if endpoint in OWNER_ONLY else 200,
    }
    for who, status in expected.items():
        response = getattr(logged_in(people[who]), method)(url, data, **AJAX)
        assert response.status_code == status, (who, endpoint, response.content[:200])
        if status != 200:
            after = (
                Board.objects.get(pk=board.pk).name,
                list(BoardEntry.objects.values_list("image_id", "position")),
            )
            assert after == before and BoardMember.objects.count() == 2, (who, endpoint)
    before = (  # as the people above left it
        Board.objects.get(pk=board.pk).name,
        list(BoardEntry.objects.values_list("image_id", "position")),
    )
    anonymous = getattr(Client(), method)(url, data, **AJAX)
    assert anonymous.status_code in (401, 302, 404)
    after = (
        Board.objects.get(pk=board.pk).name,
        list(BoardEntry.objects.values_list("image_id", "position")),
    )
    assert after == before and BoardMember.objects.count() == 2, ("visitor", endpoint)


def test_the_owner_manages_collaborators_on_the_edit_page(people, secret):
    board, _ = secret
    client = logged_in(people["owner"])
    page = client.get(f"/boards/alice/{board.slug}/edit/").content.decode()
    assert "Collaborators" in page and "@bob" in page and "@vera" in page
    members = f"/boards/alice/{board.slug}/members/"
    assert (
        client.post(
            members, {"action": "role", "user": people["viewer"].pk, "role": "editor"}
        ).status_code
        == 302
    )
    assert BoardMember.objects.get(user=people["viewer"]).role == Role.EDITOR
    assert (
        client.post(members, {"action": "remove", "user": people["editor"].pk}).status_code == 302
    )
    assert logged_in(people["editor"]).get(board.get_absolute_url()).status_code == 404
    refused = client.post(members, {"action": "add", "username": "nobody-here", "role": "viewer"})
    assert refused.status_code == 400 and "nobody" in refused.content.decode()
    assert (
        client.post(members, {"action": "add", "username": "alice", "role": "viewer"}).status_code
        == 400
    )
    assert (
        client.post(members, {"action": "add", "username": "sam", "role": "boss"}).status_code
        == 400
    )


def test_the_secret_checkbox_on_new_and_edit(people):
    client = logged_in(people["owner"])
    assert client.post(reverse("boards:new"), {"name": "Plans", "secret": "on"}).status_code == 302
    board = Board.objects.get(name="Plans")
    assert board.visibility == Visibility.SECRET
    assert 'name="secret"' in client.get(f"/boards/alice/{board.slug}/edit/").content.decode()
    client.post(f"/boards/alice/{board.slug}/edit/", {"name": "Plans"})
    assert Board.objects.get(pk=board.pk).visibility == Visibility.PUBLIC
    assert Client().get(board.get_absolute_url()).status_code == 200


def share_link(client, board) -> str:
    client.post(f"/boards/{board.owner.username}/{board.slug}/share/")
    page = client.get(f"/boards/{board.owner.username}/{board.slug}/edit/").content.decode()
    return re.search(r'id="share-url" value="([^"]+)"', page).group(1)


def test_a_share_link_works_logged_out_read_only_until_revoked(people, secret):
    board, images = secret
    owner = logged_in(people["owner"])
    url = share_link(owner, board)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 32  # 192 random bits, URL-safe
    assert Board.objects.get(pk=board.pk).share_token_hash != token  # only its hash is kept
    visitor = Client()
    response = visitor.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert all(image.title in html for image in images)
    for absent in (
        "Edit board",
        "/edit/",
        "/move/",
        "/cover/",
        "/members/",
        "/share/",
        "Delete",
    ):
        assert absent not in html, absent
    for name in ("vera", "bob"):  # the collaborators' names, as words ("combobox" is fine)
        assert not re.search(rf"\b{name}\b", html), name
    assert response["Referrer-Policy"] == "no-referrer"
    assert (
        visitor.get(url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code
        == 404
    )
    assert visitor.get("/boards/shared/not-a-token/").status_code == 404
    owner.post(f"/boards/alice/{board.slug}/share/", {"revoke": "1"})
    assert visitor.get(url).status_code == 404


def test_a_new_share_link_replaces_the_old_one(people, secret):
    board, _ = secret
    owner = logged_in(people["owner"])
    first = share_link(owner, board)
    second = share_link(owner, board)
    assert first != second
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 200


def test_the_share_link_hides_private_images_of_the_board(people, secret):
    from images.visibility import set_image_private

    board, images = secret
    set_image_private(image=images[0], private=True)
    url = share_link(logged_in(people["owner"]), board)
    html = Client().get(url).content.decode()
    assert images[0].title not in html and images[1].title in html and "2 images" in html
