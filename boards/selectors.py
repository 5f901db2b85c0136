"""Reads of boards. Each costs a fixed number of queries, however many boards or entries."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from bookmarks.paging import WindowPage, window_page
from images.models import Image, Status

from .models import Board, BoardEntry, BoardMember, Visibility

ENTRIES_PER_PAGE = 8  # as the image list (images.selectors.IMAGES_PER_PAGE)
BOARDS_PER_PAGE = 24
MOSAIC_SIZE = 4
PICKER_BOARDS = 200

GRID_IMAGE_FIELDS = (
    "image__id", "image__slug", "image__title", "image__alt_text", "image__image",
    "image__thumbnails", "image__total_likes", "image__created", "image__derivatives",
    "image__width", "image__height", "image__colour",
    "image__user__id", "image__user__username", "image__user__first_name",
    "image__user__last_name",
)  # fmt: skip


def visible_boards(viewer=None):
    """The boards `viewer` (maybe anonymous) may see: public ones, their own, and those they
    collaborate on. Secret boards are filtered here, and only here."""
    public = Q(visibility=Visibility.PUBLIC)
    if viewer is None or not viewer.is_authenticated:
        return Board.objects.filter(public)
    member = BoardMember.objects.filter(board=OuterRef("pk"), user=viewer)
    return Board.objects.filter(public | Q(owner=viewer) | Exists(member))


def board_page(username: str, slug: str, *, viewer=None) -> Board:
    """The board with its owner and its number of entries (one query); DoesNotExist if none."""
    entry_count = (
        BoardEntry.objects.filter(board=OuterRef("pk"))
        .order_by()
        .values("board")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        visible_boards(viewer)
        .select_related("owner__profile", "cover")
        .annotate(entry_count=entry_count)
        .get(owner__username=username, owner__is_active=True, slug=slug)
    )


def owned_board(owner, username: str, slug: str) -> Board:
    """The board at this address when `owner` owns it; DoesNotExist otherwise (so that
    someone else's board answers like a missing one)."""
    if not owner.is_authenticated or owner.username != username:
        raise Board.DoesNotExist
    return Board.objects.select_related("owner").get(owner=owner, slug=slug)


def entries_page(board: Board, number) -> WindowPage | None:
    """A page of the board's entries in the owner's order, each with its image and the image's
    owner (for the grid). One query; None past the end."""
    entries = (
        # Only ready images: one still being saved (chosen on the bookmark form) shows once
        # its job is done.
        BoardEntry.objects.filter(board=board, image__status=Status.READY)
        .select_related("image__user")
        .only("id", "position", "board_id", *GRID_IMAGE_FIELDS)
        .order_by("position", "id")
    )
    page = window_page(entries, number, per_page=ENTRIES_PER_PAGE)
    if page is not None:
        first = (page.number - 1) * ENTRIES_PER_PAGE
        for offset, entry in enumerate(page.object_list):
            entry.index = first + offset  # 0-based place in the board, for the move buttons
    return page


@dataclass
class BoardCard:
    board: Board
    count: int
    mosaic: list[Image] = field(default_factory=list)


def boards_of(person, number, *, viewer=None) -> tuple[WindowPage | None, list[BoardCard]]:
    """A page of `person`'s boards (recently updated first) as cards: the number of images and
    a mosaic of up to four (the cover first, then the newest). Two queries."""
    boards = (
        visible_boards(viewer)
        .filter(owner=person)
        .select_related("owner", "cover")
        .annotate(count=Count("entries"))
        .order_by("-updated", "-id")
    )
    page = window_page(boards, number, per_page=BOARDS_PER_PAGE)
    if page is None or not page.object_list:
        return page, []
    ids = [board.pk for board in page.object_list]
    newest = (
        BoardEntry.objects.filter(board_id__in=ids, image__status=Status.READY)
        .select_related("image")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("board_id")],
                order_by=[F("added").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=MOSAIC_SIZE)
    )
    by_board: dict[int, list[Image]] = {pk: [] for pk in ids}
    for entry in newest:
        by_board[entry.board_id].append(entry.image)
    cards = []
    for board in page.object_list:
        images = by_board[board.pk]
        if board.cover is not None:
            images = [board.cover] + [i for i in images if i.pk != board.cover_id]
        cards.append(BoardCard(board, board.count, images[:MOSAIC_SIZE]))
    return page, cards


def boards_for_picker(user, image_id: int) -> list[Board]:
    """The user's boards by name for the "Save" widget, each with `has_image` (whether the
    image is on it). One query."""
    on_board = BoardEntry.objects.filter(board=OuterRef("pk"), image_id=image_id)
    return list(
        Board.objects.filter(owner=user)
        .select_related("owner")
        .annotate(has_image=Exists(on_board))
        .only("id", "name", "slug", "owner__id", "owner__username")
        .order_by("name")[:PICKER_BOARDS]
    )
