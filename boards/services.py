"""Writes on boards: create, rename, delete, save an image to a board, remove it, reorder,
choose the cover. Each raises BoardError (shown to the person, answered with a 400) and
leaves nothing half-made."""

import secrets

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.services import create_action, set_actions_public
from bookmarks import privacy
from images.models import Image

from .models import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    POSITION_GAP,
    Board,
    BoardEntry,
    BoardMember,
    Role,
    Visibility,
    hash_share_token,
)

# The activity verb for "saved an image to a board" (a plain string until actions has its
# Verb vocabulary; this is the only place that spells it).
SAVED_TO_BOARD = "saved to board"


class BoardError(Exception):
    """A board request that cannot be done, with the reason to show."""


class NotAllowed(BoardError):
    """A collaborator (a viewer) asked for what only editors or the owner may do: a 403."""


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise BoardError(_("Give the board a name."))
    if len(name) > MAX_NAME_LENGTH:
        raise BoardError(
            ngettext(
                "Keep the board's name to %(count)s character at most.",
                "Keep the board's name to %(count)s characters at most.",
                MAX_NAME_LENGTH,
            )
            % {"count": MAX_NAME_LENGTH}
        )
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise BoardError(_("The board's name cannot hold control characters."))
    return name


def clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise BoardError(
            ngettext(
                "Keep the description under %(count)s character.",
                "Keep the description under %(count)s characters.",
                MAX_DESCRIPTION_LENGTH,
            )
            % {"count": MAX_DESCRIPTION_LENGTH}
        )
    if "\x00" in description:
        raise BoardError(_("The description cannot hold null characters."))
    return description


def _taken(name: str) -> str:
    return _("You already have a board called “%(name)s”.") % {"name": name}


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


def create_board(*, owner, name: str, description: str = "", secret: bool = False) -> Board:
    """A new board of `owner` (a `secret` one is seen by its owner and collaborators only).
    Raises BoardError for an empty, long or (in any case) taken name."""
    name, description = clean_name(name), clean_description(description)
    if _name_taken(owner, name):
        raise BoardError(_taken(name))
    visibility = Visibility.SECRET if secret else Visibility.PUBLIC
    board = Board(owner=owner, name=name, description=description, visibility=visibility)
    board.slug = _free_slug(owner, name)
    try:
        with transaction.atomic():
            board.save()
    except IntegrityError as error:  # the same name created a moment ago
        raise BoardError(_taken(name)) from error
    return board


def update_board(
    *, board: Board, name: str, description: str = "", secret: bool | None = None
) -> Board:
    """Rename the board and change its description (the slug follows the name) and, with
    `secret`, its visibility: made secret, the "saved to board" actions about it are hidden
    from every feed (for good: see _show_board_actions)."""
    name, description = clean_name(name), clean_description(description)
    was_secret = board.is_secret
    if secret is not None:
        board.visibility = Visibility.SECRET if secret else Visibility.PUBLIC
    if _name_taken(board.owner, name, exclude_id=board.pk):
        raise BoardError(_taken(name))
    if name != board.name:
        board.slug = _free_slug(board.owner, name, exclude_id=board.pk)
    board.name, board.description, board.updated = name, description, timezone.now()
    try:
        with transaction.atomic():
            board.save()
            if board.is_secret != was_secret:
                _show_board_actions(board)
    except IntegrityError as error:
        raise BoardError(_taken(name)) from error
    return board


def _show_board_actions(board: Board) -> None:
    """Hide the actions about a board made secret. Made public again, its past saves stay
    hidden: an action does not say which image was saved (a private one, maybe), and saves
    made while it was secret were never meant to be seen."""
    if board.is_secret:
        set_actions_public(Board, ids=[board.pk], public=False)


def delete_board(*, board: Board) -> None:
    """Delete the board and its entries; the images stay."""
    board.delete()


def _editable_board(user, board_id: int) -> Board:
    """The board `board_id`, locked, when `user` owns or edits it. BoardError when they have
    no role on it (as for none); NotAllowed when they only view it."""
    board = Board.objects.select_for_update().filter(pk=board_id).first()
    if board is None:
        raise BoardError(_("No such board of yours."))
    if board.owner_id == user.pk:
        return board
    role = BoardMember.objects.filter(board=board, user=user.pk).values_list("role", flat=True)
    role = role.first()
    if role == Role.EDITOR:
        return board
    if role == Role.VIEWER:
        raise NotAllowed(_("You can only look at this board: ask its owner to make you an editor."))
    raise BoardError(_("No such board of yours."))


def save_to_board(
    *, user, image_id: int, board_id: int | None = None, new_board_name: str = ""
) -> tuple[Board, int, bool]:
    """Put image `image_id` (anyone's) on the user's board `board_id`, or on a new board
    named `new_board_name`. The file is never copied. Returns (board, entries on it, whether
    it was added: False when it was already there). Records a "saved to board" action, seen by
    nobody else when the board is secret or the image private. The board may be one `user`
    edits for someone else (NotAllowed for one they only view); BoardError when the image's
    owner blocked `user`."""
    with transaction.atomic():
        image = Image.objects.visible_to(user).filter(pk=image_id).values("user_id", "private")
        found = image.first()
        if found is None:
            raise BoardError(_("No such image."))
        if privacy.blocks(found["user_id"], user.pk):
            raise BoardError(_("You cannot save this person's images."))
        if board_id is None:
            board = create_board(owner=user, name=new_board_name)
            board = Board.objects.select_for_update().get(pk=board.pk)
        else:
            board = _editable_board(user, board_id)  # locked: one save at a time per board
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
            public = not board.is_secret and not found["private"]
            create_action(user, SAVED_TO_BOARD, board, public=public)
        return board, entries.count(), added


def remove_from_board(*, user, image_id: int, board_id: int) -> tuple[Board, int]:
    """Take the image off a board the user owns or edits (the image stays). Returns (board,
    entries left)."""
    with transaction.atomic():
        board = _editable_board(user, board_id)
        deleted, _by_model = BoardEntry.objects.filter(board=board, image_id=image_id).delete()
        if not deleted:
            raise BoardError(_("That image is not on this board."))
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
        raise BoardError(_("That image is not on this board."))
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
            raise BoardError(_("That image is not on this board."))
        if not 0 <= position < count:
            raise BoardError(_("Choose a position from 0 to %(last)s.") % {"last": count - 1})
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


# --- Collaborators ----------------------------------------------------------------------------


def add_member(*, board: Board, username: str, role: str) -> BoardMember:
    """Make the active person `username` a collaborator on `board` with `role` (or change the
    role of one already there). BoardError for nobody of that name, the owner themself, a
    person who blocked the owner or was blocked by them, or an unknown role."""
    from django.contrib.auth import get_user_model

    if role not in Role.values:
        raise BoardError(_("Choose Viewer or Editor."))
    username = (username or "").strip().lstrip("@")
    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None:
        raise BoardError(_("There is nobody called “%(name)s” here.") % {"name": username[:150]})
    if person.pk == board.owner_id:
        raise BoardError(_("You own this board already."))
    if privacy.blocked_either_way(board.owner_id, person.pk):
        raise BoardError(_("You cannot add %(name)s to your boards.") % {"name": person.username})
    member, _created = BoardMember.objects.update_or_create(
        board=board, user=person, defaults={"role": role}
    )
    return member


def set_member_role(*, board: Board, user_id: int, role: str) -> BoardMember:
    if role not in Role.values:
        raise BoardError(_("Choose Viewer or Editor."))
    member = BoardMember.objects.filter(board=board, user_id=user_id).first()
    if member is None:
        raise BoardError(_("That person is not a collaborator on this board."))
    member.role = role
    member.save(update_fields=["role"])
    return member


def remove_member(*, board: Board, user_id: int) -> None:
    deleted, _by_model = BoardMember.objects.filter(board=board, user_id=user_id).delete()
    if not deleted:
        raise BoardError(_("That person is not a collaborator on this board."))


# --- Share links ------------------------------------------------------------------------------

SHARE_TOKEN_BYTES = 24  # 192 random bits


def create_share_link(*, board: Board) -> str:
    """A new share link token for `board` (anyone holding it sees the board read-only, without
    logging in); the previous link, if any, stops working. Only its hash is stored, so the
    token is shown once: returned here."""
    token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
    board.share_token_hash, board.share_created = hash_share_token(token), timezone.now()
    board.save(update_fields=["share_token_hash", "share_created"])
    return token


def revoke_share_link(*, board: Board) -> None:
    board.share_token_hash, board.share_created = "", None
    board.save(update_fields=["share_token_hash", "share_created"])
