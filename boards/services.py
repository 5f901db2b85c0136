"""Writes on boards: create, rename, delete, save an image to a board, remove it, reorder,
choose the cover. Each raises BoardError (shown to the person, answered with a 400) and
leaves nothing half-made."""

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from actions.services import create_action
from images.models import Image

from .models import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, POSITION_GAP, Board, BoardEntry

# The activity verb for "saved an image to a board" (a plain string until actions has its
# Verb vocabulary; this is the only place that spells it).
SAVED_TO_BOARD = "saved to board"


class BoardError(Exception):
    """A board request that cannot be done, with the reason to show."""


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise BoardError("Give the board a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise BoardError(f"Keep the board's name to {MAX_NAME_LENGTH} characters at most.")
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise BoardError("The board's name cannot hold control characters.")
    return name


def clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise BoardError(f"Keep the description under {MAX_DESCRIPTION_LENGTH} characters.")
    if "\x00" in description:
        raise BoardError("The description cannot hold null characters.")
    return description


def _name_taken(owner, name: str, *, exclude_id: int | None = None) -> bool:
    boards = Board.objects.filter(owner=owner).annotate(lname=Lower("name"))
    if exclude_id is not None:
        boards = boards.exclude(pk=exclude_id)
    return boards.filter(lname=name.lower()).exists()


def _free_slug(owner, name: str, *, exclude_id: int | None = None) -> str:
    base = slugify(name, allow_unicode=True)[:MAX_NAME_LENGTH].strip("-") or "board"
    taken = Board.objects.filter(owner=owner, slug__startswith=base)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    used = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_board(*, owner, name: str, description: str = "") -> Board:
    """A new board of `owner`. Raises BoardError for an empty, long or (in any case) taken
    name."""
    name, description = clean_name(name), clean_description(description)
    if _name_taken(owner, name):
        raise BoardError(f"You already have a board called “{name}”.")
    board = Board(owner=owner, name=name, description=description)
    board.slug = _free_slug(owner, name)
    try:
        with transaction.atomic():
            board.save()
    except IntegrityError as error:  # the same name created a moment ago
        raise BoardError(f"You already have a board called “{name}”.") from error
    return board


def update_board(*, board: Board, name: str, description: str = "") -> Board:
    """Rename the board and change its description; the slug follows the name."""
    name, description = clean_name(name), clean_description(description)
    if _name_taken(board.owner, name, exclude_id=board.pk):
        raise BoardError(f"You already have a board called “{name}”.")
    if name != board.name:
        board.slug = _free_slug(board.owner, name, exclude_id=board.pk)
    board.name, board.description, board.updated = name, description, timezone.now()
    try:
        with transaction.atomic():
            board.save()
    except IntegrityError as error:
        raise BoardError(f"You already have a board called “{name}”.") from error
    return board


def delete_board(*, board: Board) -> None:
    """Delete the board and its entries; the images stay."""
    board.delete()


def _owned_board(owner, board_id: int) -> Board:
    try:
        return Board.objects.select_for_update().get(pk=board_id, owner=owner)
    except Board.DoesNotExist:
        raise BoardError("No such board of yours.") from None


def save_to_board(
    *, user, image_id: int, board_id: int | None = None, new_board_name: str = ""
) -> tuple[Board, int, bool]:
    """Put image `image_id` (anyone's) on the user's board `board_id`, or on a new board
    named `new_board_name`. The file is never copied. Returns (board, entries on it, whether
    it was added: False when it was already there). Records a "saved to board" action."""
    with transaction.atomic():
        if not Image.objects.visible_to(user).filter(pk=image_id).exists():
            raise BoardError("No such image.")
        if board_id is None:
            board = create_board(owner=user, name=new_board_name)
            board = Board.objects.select_for_update().get(pk=board.pk)
        else:
            board = _owned_board(user, board_id)  # locked: one save at a time per board
        entries = BoardEntry.objects.filter(board=board)
        added = not entries.filter(image_id=image_id).exists()
        if added:
            first = entries.order_by("position").values_list("position", flat=True).first()
            position = 0 if first is None else first - POSITION_GAP  # newest on top
            BoardEntry.objects.create(board=board, image_id=image_id, position=position)
            board.updated = timezone.now()
            fields = ["updated"]
            if not board.cover_chosen:
                board.cover_id = image_id
                fields.append("cover")
            board.save(update_fields=fields)
            create_action(user, SAVED_TO_BOARD, board)
        return board, entries.count(), added


def remove_from_board(*, user, image_id: int, board_id: int) -> tuple[Board, int]:
    """Take the image off the user's board (the image stays). Returns (board, entries left)."""
    with transaction.atomic():
        board = _owned_board(user, board_id)
        deleted, _ = BoardEntry.objects.filter(board=board, image_id=image_id).delete()
        if not deleted:
            raise BoardError("That image is not on this board.")
        if board.cover_id == image_id:
            reset_covers([board.pk])
        return board, BoardEntry.objects.filter(board=board).count()


def reset_covers(board_ids: list[int]) -> None:
    """Give these boards their default cover, the newest entry (or none), in one UPDATE."""
    newest = (
        BoardEntry.objects.filter(board_id=OuterRef("pk"))
        .order_by("-added", "-id")
        .values("image_id")[:1]
    )
    Board.objects.filter(pk__in=board_ids).update(cover_id=Subquery(newest), cover_chosen=False)


def choose_cover(*, board: Board, image_id: int) -> Board:
    """Make one of the board's images its cover."""
    if not BoardEntry.objects.filter(board=board, image_id=image_id).exists():
        raise BoardError("That image is not on this board.")
    board.cover_id, board.cover_chosen = image_id, True
    board.save(update_fields=["cover", "cover_chosen"])
    return board


def move_entry(*, board: Board, image_id: int, position: int) -> int:
    """Move the image to index `position` (0-based) of the board's order. Costs a fixed
    number of queries: the entry gets a position between its new neighbours; only when no
    integer is left between them is the board renumbered (rare: gaps are POSITION_GAP wide).
    Returns the number of entries."""
    with transaction.atomic():
        Board.objects.select_for_update().filter(pk=board.pk).values_list("pk").get()
        entries = BoardEntry.objects.filter(board=board)
        count = entries.count()
        entry = entries.filter(image_id=image_id).first()
        if entry is None:
            raise BoardError("That image is not on this board.")
        if not 0 <= position < count:
            raise BoardError(f"Choose a position from 0 to {count - 1}.")
        others = entries.exclude(pk=entry.pk).order_by("position", "id")
        start = max(position - 1, 0)
        around = list(others.values_list("position", flat=True)[start : position + 1])
        if position == 0:
            before, after = None, (around[0] if around else None)
        else:
            before, after = around[0], (around[1] if len(around) > 1 else None)
        new = _between(before, after)
        if new is None:
            _renumber(board, moving=entry.pk, to=position)
        else:
            BoardEntry.objects.filter(pk=entry.pk).update(position=new)
        return count


def _between(before: int | None, after: int | None) -> int | None:
    if before is None and after is None:
        return 0
    if before is None:
        return after - POSITION_GAP
    if after is None:
        return before + POSITION_GAP
    if after - before < 2:
        return None
    return (before + after) // 2


def _renumber(board: Board, *, moving: int, to: int) -> None:
    """Respace every entry POSITION_GAP apart, with `moving` at index `to` (the rare case)."""
    ids = list(
        BoardEntry.objects.filter(board=board)
        .exclude(pk=moving)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    ids.insert(to, moving)
    rows = [BoardEntry(pk=pk, position=i * POSITION_GAP) for i, pk in enumerate(ids)]
    BoardEntry.objects.bulk_update(rows, ["position"], batch_size=500)
