"""Bookkeeping that must follow every write path: a deleted image stops being a board's cover
(the next newest entry takes over), and a deleted board takes its actions along."""

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
