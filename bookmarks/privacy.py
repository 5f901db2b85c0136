"""Who may see what, and who blocked whom: the one place callers ask.

An image is seen by everyone when it is ready and public; its owner sees it always (private,
saving or failed), as `Image.objects.visible_to` says for querysets. A block (blocks.Block) is
one-directional: `blocks(a, b)` is True when a blocked b.
"""

from django.db.models import Q


def can_see_image(user, image) -> bool:
    """Whether `user` (maybe anonymous) may see `image`: the row-level twin of
    `Image.objects.visible_to`."""
    return image.is_visible_to(user)


def blocks(user_id: int, other_id: int) -> bool:
    """Whether `user_id` has blocked `other_id`."""
    from blocks.models import Block

    return Block.objects.filter(blocker_id=user_id, blocked_id=other_id).exists()


def blocked_either_way(user_id: int, other_id: int) -> bool:
    """Whether either of the two has blocked the other (one query)."""
    from blocks.models import Block

    return Block.objects.filter(
        Q(blocker_id=user_id, blocked_id=other_id) | Q(blocker_id=other_id, blocked_id=user_id)
    ).exists()
