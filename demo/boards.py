"""Demo boards and tags, inserted in bulk: called by account.demo's seeding and reset (kept in
its own module so it moves as one piece with the demo app).

Every person gets `boards_per_user` boards of `entries_per_board` distinct images (anyone's),
in the owner's order, with the newest entry as cover; images get 0–4 tags from a fixed
vocabulary, popular tags far more often (the tag pages of `make bench`)."""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from actions.models import Action
from boards.models import POSITION_GAP, Board, BoardEntry
from boards.services import reset_covers
from images.models import TaggedImage

BATCH_SIZE = 5000
USERS_PER_CHUNK = 500
HISTORY = timedelta(days=180)
BOARD_NAMES = (
    "Favourites", "Inspiration", "Travel ideas", "Colours", "Someday", "Wallpapers",
    "Moodboard", "Places to go", "Textures", "Light and shadow", "Calm", "For the office",
)  # fmt: skip
BOARD_DESCRIPTIONS = ("", "", "Things I keep coming back to.", "Saved for later.", "Ideas.")
TAGS = (
    "sea", "sunset", "travel", "nature", "city", "night", "blue", "green", "winter", "summer",
    "architecture", "street", "vintage", "minimal", "abstract", "forest", "mountains", "beach",
    "clouds", "flowers", "snow", "desert", "autumn", "spring", "river", "lake", "bridge", "rain",
    "fog", "light", "shadow", "black-and-white", "film", "wildlife", "birds", "garden", "market",
    "harbour", "train", "road_trip", "coffee", "museum", "東京", "café", "ωκεανός", "2026",
)  # fmt: skip


def _bulk(model, rows: list, bar) -> list:
    created = []
    for start in range(0, len(rows), BATCH_SIZE):
        batch = model.objects.bulk_create(rows[start : start + BATCH_SIZE])
        created.extend(batch)
        bar.add(len(batch))
    return created


def seed_boards_and_tags(
    *,
    users: list[int],
    images: list[int],
    rng: random.Random,
    boards_per_user: int = 5,
    entries_per_board: int = 20,
    progress,
) -> tuple[int, int, int]:
    """Boards with their entries for every user id in `users`, and tags on the `images` ids.
    Returns (boards, entries, tagged images)."""
    if not users or not images:
        return 0, 0, 0
    now = timezone.now()
    per_user = min(boards_per_user, len(BOARD_NAMES))
    per_board = min(entries_per_board, len(images))
    n_boards = n_entries = 0
    total = len(users) * per_user * (1 + per_board)
    with progress.step("boards", total) as bar:
        # A few hundred people at a time: a million entries never sit in memory at once.
        for first in range(0, len(users), USERS_PER_CHUNK):
            plans = []  # (user id, name, [(image id, added)], newest first as saving does)
            for user_id in users[first : first + USERS_PER_CHUNK]:
                for name in rng.sample(BOARD_NAMES, per_user):
                    picked = rng.sample(images, per_board)
                    added = sorted((now - HISTORY * rng.random() for _ in picked), reverse=True)
                    plans.append((user_id, name, list(zip(picked, added, strict=True))))
            boards = _bulk(
                Board,
                [
                    Board(
                        owner_id=user_id,
                        name=name,
                        slug=slugify(name),
                        description=rng.choice(BOARD_DESCRIPTIONS),
                        cover_id=entries[0][0],
                        created=entries[-1][1],
                        updated=entries[0][1],
                    )
                    for user_id, name, entries in plans
                ],
                bar,
            )
            rows = [
                BoardEntry(board_id=board.pk, image_id=image, position=i * POSITION_GAP, added=t)
                for board, (_, _, entries) in zip(boards, plans, strict=True)
                for i, (image, t) in enumerate(entries)
            ]
            _bulk(BoardEntry, rows, bar)
            n_boards, n_entries = n_boards + len(boards), n_entries + len(rows)

    existing = dict(Tag.objects.filter(name__in=TAGS).values_list("name", "pk"))
    new_tags = [Tag(name=name, slug=slugify(name, allow_unicode=True) or name) for name in TAGS]
    Tag.objects.bulk_create([t for t in new_tags if t.name not in existing])
    tag_ids = list(Tag.objects.filter(name__in=TAGS).order_by("pk").values_list("pk", flat=True))

    def popular() -> int:  # a few tags on most images: "sea" is everywhere, "2026" rare
        return tag_ids[min(len(tag_ids) - 1, int(len(tag_ids) * rng.random() ** 2.5))]

    tagged = []
    for image_id in images:
        for tag_id in {popular() for _ in range(rng.randrange(5))}:
            tagged.append(TaggedImage(content_object_id=image_id, tag_id=tag_id))
    with progress.step("tags", len(tagged)) as bar:
        _bulk(TaggedImage, tagged, bar)
    return n_boards, n_entries, len(tagged)


def delete_demo_boards_and_tags(*, user_ids, image_ids) -> None:
    """Before demo users and images go (without signals): their boards (with the actions
    about them), every entry of a demo image, the covers real boards took from demo images,
    their tags, and tags nobody uses any more. `user_ids`/`image_ids` are querysets of ids."""
    board_ct = ContentType.objects.get_for_model(Board)
    demo_boards = Board.objects.filter(owner__in=user_ids)
    Action.objects.filter(target_ct=board_ct, target_id__in=demo_boards.values("id")).delete()
    BoardEntry.objects.filter(Q(board__owner__in=user_ids) | Q(image__in=image_ids)).delete()
    # One DELETE, without the per-board signal (its actions went above): thousands of boards.
    demo_boards._raw_delete(demo_boards.db)
    covered = list(Board.objects.filter(cover__in=image_ids).values_list("pk", flat=True))
    Board.objects.filter(pk__in=covered).update(cover=None)
    reset_covers(covered)
    TaggedImage.objects.filter(content_object__in=image_ids).delete()
    Tag.objects.filter(images_taggedimage_items__isnull=True).delete()
