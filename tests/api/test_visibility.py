"""Acceptance 2: the API sees exactly what the site shows: another person's private (or still
saving) image and secret board answer 404 everywhere, and blocks hold."""

import pytest

from blocks.models import Block
from boards.models import BoardEntry, BoardMember, Visibility
from boards.services import create_board
from images.models import Status
from tests.factories import make_image


@pytest.fixture
def hidden(other_user):
    private = make_image(other_user, title="Private red")
    private.private = True
    private.save()
    saving = make_image(other_user, title="Saving red")
    saving.status = Status.SAVING
    saving.save()
    secret = create_board(owner=other_user, name="Secret")
    secret.visibility = Visibility.SECRET
    secret.save()
    public = make_image(other_user, title="Public red")
    BoardEntry.objects.create(board=secret, image=public, position=0)
    return {"private": private, "saving": saving, "secret": secret, "public": public}


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_another_persons_private_or_saving_image_is_404_everywhere(api, user, hidden):
    board = create_board(owner=user, name="Mine")
    # The same routes answer for her own image and for Bob's public one: a 404 below is the
    # image's, never a route that is not there.
    assert api.get(f"/api/v1/images/{hidden['public'].pk}/").status_code == 200
    for image in (hidden["private"], hidden["saving"]):
        path = f"/api/v1/images/{image.pk}/"
        for refused in [
            api.get(path),
            api.patch(path, {"title": "x"}, content_type="application/json"),
            api.delete(path),
            api.post(path + "like/"),
        ]:
            assert refused.status_code == 404
            assert refused.json()["detail"] == "No such image.", refused.json()
        image.refresh_from_db()
        assert image.title != "x" and not image.users_like.exists()
        added = api.post(f"/api/v1/boards/{board.pk}/entries/", {"image": image.pk},
                         content_type="application/json")  # fmt: skip
        assert added.status_code in (404, 422)
        assert not BoardEntry.objects.filter(image=image).exists()
    shown = ids(api.get("/api/v1/images/")) | ids(api.get("/api/v1/images/?user=bob"))
    shown |= ids(api.get("/api/v1/search/?q=red"))
    assert hidden["private"].pk not in shown and hidden["saving"].pk not in shown
    assert hidden["public"].pk in shown


def test_the_owner_sees_their_own_private_image(client, other_user, make_token, hidden):
    header = {"HTTP_AUTHORIZATION": f"Bearer {make_token(other_user)}"}
    assert client.get(f"/api/v1/images/{hidden['private'].pk}/", **header).status_code == 200
    listed = ids(client.get("/api/v1/images/?mine=1", **header))
    assert {hidden["private"].pk, hidden["saving"].pk} <= listed


def test_a_secret_board_is_404_to_strangers(api, hidden):
    secret = hidden["secret"]
    assert api.get(f"/api/v1/boards/{secret.pk}/").status_code == 404
    assert api.get(f"/api/v1/boards/{secret.pk}/entries/").status_code == 404
    assert api.get(f"/api/v1/images/?board={secret.pk}").status_code == 404
    assert api.patch(f"/api/v1/boards/{secret.pk}/", {"name": "x"},
                     content_type="application/json").status_code == 404  # fmt: skip
    assert api.delete(f"/api/v1/boards/{secret.pk}/").status_code == 404
    assert secret.pk not in ids(api.get("/api/v1/boards/?user=bob"))


def test_a_collaborator_sees_the_secret_board(api, user, hidden):
    secret = hidden["secret"]
    BoardMember.objects.create(board=secret, user=user)
    assert api.get(f"/api/v1/boards/{secret.pk}/").status_code == 200
    assert ids(api.get(f"/api/v1/boards/{secret.pk}/entries/")) == {hidden["public"].pk}
    assert secret.pk in ids(api.get("/api/v1/boards/?user=bob"))
    # Seeing is not owning: only the owner changes it.
    assert api.delete(f"/api/v1/boards/{secret.pk}/").status_code == 404


def test_a_private_image_on_a_public_board_is_not_listed(api, other_user, hidden):
    board = create_board(owner=other_user, name="Open")
    BoardEntry.objects.create(board=board, image=hidden["private"], position=0)
    BoardEntry.objects.create(board=board, image=hidden["public"], position=1)
    assert ids(api.get(f"/api/v1/boards/{board.pk}/entries/")) == {hidden["public"].pk}
    assert ids(api.get(f"/api/v1/images/?board={board.pk}")) == {hidden["public"].pk}


def test_someone_who_blocked_you_is_not_there(api, user, other_user, hidden):
    Block.objects.create(blocker=other_user, blocked=user)
    assert api.get("/api/v1/users/bob/").status_code == 404
    assert api.post("/api/v1/users/bob/follow/").status_code == 404
    assert api.get("/api/v1/images/?user=bob").status_code == 404
    assert api.get("/api/v1/boards/?user=bob").status_code == 404
    assert api.post(f"/api/v1/images/{hidden['public'].pk}/like/").status_code == 404
