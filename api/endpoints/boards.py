"""Boards: list, create, read, change, delete; entries add, remove and move. The boards
app's services do the work (names, slugs, covers, positions); its visibility rule
(visible_boards) decides what anyone sees."""

from ninja import Query, Router, Schema, Status
from pydantic import Field

from boards.selectors import ENTRIES_PER_PAGE
from boards.services import (
    BoardError,
    create_board,
    delete_board,
    move_entry,
    remove_from_board,
    save_to_board,
    update_board,
)
from bookmarks.paging import window_page

from .. import serialize
from ..auth import READ, WRITE
from ..pagination import next_page_url
from ..problems import Problem
from ..schemas import (
    BoardIn,
    BoardOut,
    BoardPage,
    BoardPatchIn,
    EntryIn,
    EntryOut,
    Id,
    ImagePage,
    MoveIn,
)
from ..schemas import Problem as ProblemOut
from ..selectors import board_entries, board_or_404, boards_for, own_board_or_404, person_or_404

router = Router(tags=["boards"])
ERRORS = {code: ProblemOut for code in (400, 401, 403, 404, 413, 422, 429)}
BOARDS_PER_PAGE = 24


class BoardFilters(Schema):
    user: str | None = Field(None, max_length=150, description="Whose boards (default: yours)")
    page: int = Field(1, ge=1, le=100_000)


class PageNumber(Schema):
    page: int = Field(1, ge=1, le=100_000)


def _refused(error: BoardError) -> Problem:
    return Problem(422, str(error))


def _out(request, board) -> dict:
    return serialize.board(request, board, count=board.entry_count)


@router.get("", response={200: BoardPage, **ERRORS}, auth=READ, url_name="board_list")
def list_boards(request, filters: Query[BoardFilters]):
    """A person's boards that you may see (yours by default), recently updated first."""
    owner = person_or_404(filters.user, viewer=request.user) if filters.user else request.user
    page = window_page(
        boards_for(request.user).filter(owner=owner), filters.page, per_page=BOARDS_PER_PAGE
    )
    if page is None:
        return {"items": [], "next": None}
    return {
        "items": [_out(request, b) for b in page.object_list],
        "next": next_page_url(request, page),
    }


@router.post("", response={201: BoardOut, **ERRORS}, auth=WRITE, url_name="board_create")
def create(request, payload: BoardIn):
    """A new board of yours (names are unique per person, in any case)."""
    try:
        board = create_board(owner=request.user, name=payload.name, description=payload.description)
    except BoardError as error:
        raise _refused(error) from None
    return Status(201, _out(request, board_or_404(board.pk, viewer=request.user)))


@router.get(
    "{int:board_id}/", response={200: BoardOut, **ERRORS}, auth=READ, url_name="board_detail"
)
def detail(request, board_id: Id):
    return _out(request, board_or_404(board_id, viewer=request.user))


@router.patch(
    "{int:board_id}/", response={200: BoardOut, **ERRORS}, auth=WRITE, url_name="board_update"
)
def update(request, board_id: Id, payload: BoardPatchIn):
    """Rename your board or change its description."""
    board = own_board_or_404(board_id, user=request.user)
    name = payload.name if payload.name is not None else board.name
    description = payload.description if payload.description is not None else board.description
    try:
        update_board(board=board, name=name, description=description)
    except BoardError as error:
        raise _refused(error) from None
    return _out(request, board_or_404(board.pk, viewer=request.user))


@router.delete(
    "{int:board_id}/", response={204: None, **ERRORS}, auth=WRITE, url_name="board_delete"
)
def delete(request, board_id: Id):
    """Delete your board (its images stay)."""
    delete_board(board=own_board_or_404(board_id, user=request.user))
    return Status(204, None)


@router.get(
    "{int:board_id}/entries/",
    response={200: ImagePage, **ERRORS},
    auth=READ,
    url_name="board_entries",
)
def entries(request, board_id: Id, query: Query[PageNumber]):
    """The board's images in its owner's order."""
    board = board_or_404(board_id, viewer=request.user)
    page = window_page(
        board_entries(board, viewer=request.user), query.page, per_page=ENTRIES_PER_PAGE
    )
    if page is None:
        return {"items": [], "next": None}
    images = [entry.image for entry in page.object_list]
    return {
        "items": serialize.images(request, images),
        "next": next_page_url(request, page),
    }


@router.post(
    "{int:board_id}/entries/",
    response={201: EntryOut, 200: EntryOut, **ERRORS},
    auth=WRITE,
    url_name="board_entry_add",
)
def add_entry(request, board_id: Id, payload: EntryIn):
    """Put an image (anyone's you may see) on your board; 200 when it was there already."""
    own_board_or_404(board_id, user=request.user)
    try:
        board, count, added = save_to_board(
            user=request.user, image_id=payload.image, board_id=board_id
        )
    except BoardError as error:
        raise _refused(error) from None
    return Status((201 if added else 200), {"board": board.pk, "count": count, "added": added})


@router.delete(
    "{int:board_id}/entries/{int:image_id}/",
    response={200: EntryOut, **ERRORS},
    auth=WRITE,
    url_name="board_entry_remove",
)
def remove_entry(request, board_id: Id, image_id: Id):
    """Take an image off your board (the image stays)."""
    own_board_or_404(board_id, user=request.user)
    try:
        board, count = remove_from_board(user=request.user, image_id=image_id, board_id=board_id)
    except BoardError as error:
        raise Problem(404, str(error)) from None
    return {"board": board.pk, "count": count}


@router.post(
    "{int:board_id}/entries/{int:image_id}/move/",
    response={200: EntryOut, **ERRORS},
    auth=WRITE,
    url_name="board_entry_move",
)
def move(request, board_id: Id, image_id: Id, payload: MoveIn):
    """Move an image to a 0-based place in your board's order."""
    board = own_board_or_404(board_id, user=request.user)
    try:
        count = move_entry(board=board, image_id=image_id, position=payload.position)
    except BoardError as error:
        raise _refused(error) from None
    return {"board": board.pk, "count": count}
