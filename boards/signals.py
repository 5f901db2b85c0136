"""Bookkeeping that must follow every write path: a deleted image stops being a board's cover
(the next newest entry takes over), and a deleted board takes its actions along. And the
board chosen on the bookmark form (images.hooks.image_bookmarked)."""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from actions.services import delete_actions_for
from bookmarks.deletion import DeletionBatch, batch_for, close_batch

from .models import Board, BoardEntry


class _CoverRepair(DeletionBatch):
    """The images one delete() call removes: boards whose cover was one of them have it
    nulled by the delete (Board.cover is SET_NULL); once, after the rows are gone, every board
    left without a cover but with entries gets its newest entry back (two queries, however
    many images went; `cover IS NULL` reads the cover index)."""

    def in_transaction(self) -> None:
        from .services import reset_covers

        has_entries = Exists(BoardEntry.objects.filter(board_id=OuterRef("pk")))
        bare = Board.objects.filter(cover__isnull=True).filter(has_entries)
        board_ids = list(bare.values_list("pk", flat=True))
        if board_ids:
            reset_covers(board_ids)


def image_deleting(sender, instance, origin=None, **kwargs):
    batch_for("boards.covers", instance, origin, _CoverRepair)


def image_deleted(sender, instance, origin=None, **kwargs):
    close_batch("boards.covers", instance, origin)


def board_deleted(sender, instance, **kwargs):
    delete_actions_for(instance)


def image_bookmarked(sender, request, image, **kwargs):
    """Save a just-bookmarked image to the board picked on the bookmark form (`board`) or to a
    new one (`new_board`); a refusal leaves the bookmark and says why."""
    from .services import BoardError, save_to_board

    board_id, new_name = request.POST.get("board", ""), request.POST.get("new_board", "")
    if not board_id.strip() and not new_name.strip():
        return
    try:
        board_id = int(board_id) if board_id.strip() else None
        board, _count, _added = save_to_board(
            user=request.user, image_id=image.pk, board_id=board_id, new_board_name=new_name
        )
    except (ValueError, OverflowError, BoardError) as error:
        reason = str(error) if isinstance(error, BoardError) else _("No such board of yours.")
        messages.warning(
            request,
            _("The image was bookmarked but not saved to a board: %(reason)s") % {"reason": reason},
        )
    else:
        messages.success(request, _("Saved to your board “%(name)s”.") % {"name": board.name})
