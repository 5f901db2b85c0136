"""Who may see what, and who blocked whom: the seam the privacy issue will fill.

Today an image is hidden only while it is being saved (or failed): then its owner alone sees
it, as `Image.objects.visible_to` says; nobody can block anyone yet.
Comments (who may comment) and notifications (who hears of what) already ask them, so the
privacy work changes these two functions, not their callers.
"""


def can_see_image(user, image) -> bool:
    """Whether `user` (maybe anonymous) may see `image`: the row-level twin of
    `Image.objects.visible_to` (ready images, and one's own saving or failed ones)."""
    return image.status == "ready" or (user.is_authenticated and image.user_id == user.pk)


def blocks(user_id: int, other_id: int) -> bool:
    """Whether `user_id` has blocked `other_id`."""
    return False
