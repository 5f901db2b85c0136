"""`seed_demo` makes boards and tags for the demo people; `--reset` removes them (and the
entries and covers real boards took from demo images), never a real person's board."""

import pytest
from django.db.models import Count
from taggit.models import Tag

from boards.models import Board
from boards.services import create_board, save_to_board
from images.models import TaggedImage
from tests.demo.test_seed_demo import seed
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def test_seed_makes_boards_and_tags_and_reset_removes_them(client):
    seed(users=6, images=40, actions=60)
    assert Board.objects.count() == 6 * 5
    per_board = Board.objects.annotate(n=Count("entries")).values_list("n", flat=True)
    assert set(per_board) == {20}
    for board in Board.objects.all()[:5]:
        newest = board.entries.order_by("-added").first()
        first = board.entries.order_by("position").first()
        assert board.cover_id == newest.image_id == first.image_id
    assert TaggedImage.objects.exists()
    popular = Tag.objects.annotate(n=Count("images_taggedimage_items")).order_by("-n").first()
    board = Board.objects.select_related("owner").first()
    client.force_login(board.owner)
    assert client.get(board.get_absolute_url()).status_code == 200
    assert client.get(f"/images/tag/{popular.name}/").status_code == 200
    assert client.get(f"/account/users/{board.owner.username}/boards/").status_code == 200

    real = make_user("realperson")
    own = make_image(real)
    real_board = create_board(owner=real, name="Real")
    demo_image = board.entries.first().image
    save_to_board(user=real, image_id=own.pk, board_id=real_board.pk)
    save_to_board(user=real, image_id=demo_image.pk, board_id=real_board.pk)  # the cover
    own.tags.set(["mine"])

    seed("--reset", users=6, images=40, actions=60)
    real_board.refresh_from_db()
    assert list(real_board.entries.values_list("image_id", flat=True)) == [own.pk]
    assert real_board.cover_id == own.pk
    assert Board.objects.count() == 6 * 5 + 1
    assert Tag.objects.filter(name="mine").exists()
