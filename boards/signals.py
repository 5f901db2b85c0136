"""Bookkeeping that must follow every write path: a deleted image stops being a board's cover
(the next newest entry takes over), and a deleted board takes its actions along. And the
board chosen on the bookmark form (images.hooks.image_bookmarked)."""

from django.contrib import messages

from actions.services import delete_actions_for

from .models import Board


def image_deleting(sender, instance, **kwargs):
    # Before the delete nulls Board.cover: remember which boards this image was the cover of.
    instance._covered_board_ids = list(
        Board.objects.filter(cover_id=instance.pk).values_list("pk", flat=True)
    )


def image_deleted(sender, instance, **kwargs):
    board_ids = getattr(instance, "_covered_board_ids", None)
    if board_ids:
        from .services import reset_covers

        reset_covers(board_ids)


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
        board, _, _ = save_to_board(
            user=request.user, image_id=image.pk, board_id=board_id, new_board_name=new_name
        )
    except (ValueError, OverflowError, BoardError) as error:
        reason = str(error) if isinstance(error, BoardError) else "No such board of yours."
        messages.warning(request, f"The image was bookmarked but not saved to a board: {reason}")
    else:
        messages.success(request, f"Saved to your board “{board.name}”.")
