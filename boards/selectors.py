"""Reads of boards. Each costs a fixed number of queries, however many boards or entries."""

import hmac
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from blocks.models import Block
from bookmarks.paging import WindowPage, window_page
from images.models import Image, Status, visible_q

from .models import Board, BoardEntry, BoardMember, Role, Visibility, hash_share_token

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
    collaborate on, never those of someone who blocked them (their board pages are a 404).
    Secret boards and blocks are filtered here, and only here (lists, search, the API)."""
    public = Q(visibility=Visibility.PUBLIC)
    if viewer is None or not viewer.is_authenticated:
        return Board.objects.filter(public)
    member = BoardMember.objects.filter(board=OuterRef("pk"), user=viewer)
    blocked_by_owner = Block.objects.filter(blocker=OuterRef("owner"), blocked=viewer)
    return Board.objects.filter(public | Q(owner=viewer) | Exists(member)).exclude(
        Exists(blocked_by_owner)
    )


def board_page(username: str, slug: str, *, viewer=None) -> Board:
    """The board with its owner, its number of entries `viewer` may see, `viewer_role` (their
    collaborator role, or None) and `blocks_viewer` (its owner blocked them). One query;
    DoesNotExist if none, or if `viewer` may not see it."""
    entry_count = (
        BoardEntry.objects.filter(visible_q(viewer, prefix="image__"), board=OuterRef("pk"))
        .order_by()
        .values("board")
        .annotate(n=Count("pk"))
        .values("n")
    )
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    role = BoardMember.objects.filter(board=OuterRef("pk"), user=viewer_id).values("role")[:1]
    blocked = Block.objects.filter(blocker=OuterRef("owner_id"), blocked=viewer_id)
    return (
        visible_boards(viewer)
        .select_related("owner__profile", "cover")
        .annotate(entry_count=entry_count, viewer_role=role, blocks_viewer=Exists(blocked))
        .get(owner__username=username, owner__is_active=True, slug=slug)
    )


def owned_board(owner, username: str, slug: str) -> Board:
    """The board at this address when `owner` owns it; DoesNotExist otherwise (so that
    someone else's board answers like a missing one)."""
    if not owner.is_authenticated or owner.username != username:
        raise Board.DoesNotExist
    return Board.objects.select_related("owner").get(owner=owner, slug=slug)


OWNER = "owner"


def board_with_role(user, username: str, slug: str) -> tuple[Board, str]:
    """The board at this address that `user` may see, and their role on it: "owner",
    Role.EDITOR, Role.VIEWER, or "" (a public board of someone else). One query;
    DoesNotExist when there is none or `user` may not see it."""
    role = BoardMember.objects.filter(board=OuterRef("pk"), user=user.pk).values("role")[:1]
    board = (
        visible_boards(user)
        .select_related("owner")
        .annotate(member_role=role)
        .get(owner__username=username, owner__is_active=True, slug=slug)
    )
    if user.is_authenticated and board.owner_id == user.pk:
        return board, OWNER
    return board, board.member_role or ""


def entries_page(board: Board, number, *, viewer=None) -> WindowPage | None:
    """A page of the board's entries in the owner's order that `viewer` may see, each with
    its image and the image's owner (for the grid). One query; None past the end."""
    entries = (
        # Only images the viewer may see: another person's private image is left out, and
        # one still being saved (chosen on the bookmark form) shows once its job is done.
        BoardEntry.objects.filter(visible_q(viewer, prefix="image__"), board=board)
        .filter(image__status=Status.READY)
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
    """A page of `person`'s boards that `viewer` may see (recently updated first) as cards:
    the number of images the viewer may see and a mosaic of up to four of them (the cover
    first, then the newest). Two queries."""
    return _cards(visible_boards(viewer).filter(owner=person), number, viewer=viewer)


def boards_shared_with(user, number=1) -> tuple[WindowPage | None, list[BoardCard]]:
    """A page of the boards `user` collaborates on (someone else's, as viewer or editor), as
    cards. Two queries."""
    member = BoardMember.objects.filter(board=OuterRef("pk"), user=user.pk)
    return _cards(Board.objects.filter(Exists(member)), number, viewer=user)


def _cards(boards, number, *, viewer) -> tuple[WindowPage | None, list[BoardCard]]:
    visible = visible_q(viewer, prefix="entries__image__")
    boards = (
        boards.select_related("owner", "cover")
        .annotate(count=Count("entries", filter=visible))
        .order_by("-updated", "-id")
    )
    page = window_page(boards, number, per_page=BOARDS_PER_PAGE)
    if page is None or not page.object_list:
        return page, []
    ids = [board.pk for board in page.object_list]
    newest = (
        BoardEntry.objects.filter(visible_q(viewer, prefix="image__"), board_id__in=ids)
        .filter(image__status=Status.READY)
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
        if board.cover is not None and board.cover.is_visible_to(viewer):
            images = [board.cover] + [i for i in images if i.pk != board.cover_id]
        cards.append(BoardCard(board, board.count, images[:MOSAIC_SIZE]))
    return page, cards


def editable_boards(user):
    """The boards `user` may put images on: their own and those they edit."""
    editor = BoardMember.objects.filter(board=OuterRef("pk"), user=user.pk, role=Role.EDITOR)
    return Board.objects.filter(Q(owner=user.pk) | Exists(editor))


def boards_for_picker(user, image_id: int) -> list[Board]:
    """The boards `user` may put images on (their own, and others' they edit) by name for the
    "Save" widget, each with `has_image` (whether the image is on it). One query."""
    on_board = BoardEntry.objects.filter(board=OuterRef("pk"), image_id=image_id)
    return list(
        editable_boards(user)
        .select_related("owner")
        .annotate(has_image=Exists(on_board))
        .only("id", "name", "slug", "visibility", "owner__id", "owner__username")
        .order_by("name")[:PICKER_BOARDS]
    )


def board_by_share_token(token: str) -> Board:
    """The board whose share link carries `token` (with its owner and the number of entries
    anyone may see); DoesNotExist for a wrong or revoked token. The token is looked up by its
    SHA-256 (the only form stored) and the hashes compared in constant time."""
    if not token or len(token) > 100:
        raise Board.DoesNotExist
    wanted = hash_share_token(token)
    entry_count = (
        BoardEntry.objects.filter(visible_q(None, prefix="image__"), board=OuterRef("pk"))
        .order_by()
        .values("board")
        .annotate(n=Count("pk"))
        .values("n")
    )
    board = (
        Board.objects.select_related("owner__profile")
        .annotate(entry_count=entry_count)
        .get(share_token_hash=wanted, owner__is_active=True)
    )
    if not hmac.compare_digest(board.share_token_hash, wanted):
        raise Board.DoesNotExist
    return board


def members_of(board: Board) -> list[BoardMember]:
    """The board's collaborators with their names and avatars, in the order they were added.
    One query."""
    return list(
        BoardMember.objects.filter(board=board)
        .select_related("user__profile")
        .order_by("added", "id")
    )
