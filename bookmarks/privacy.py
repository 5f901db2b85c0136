"""Who may see what, and who blocked whom: the seam the privacy issue will fill.

Today every image is public and nobody can block anyone, so these answer "yes" and "no".
Comments (who may comment) and notifications (who hears of what) already ask them, so the
privacy work changes these two functions, not their callers.
"""


def can_see_image(user, image) -> bool:
    """Whether `user` (maybe anonymous) may see `image`."""
    return True


def blocks(user_id: int, other_id: int) -> bool:
    """Whether `user_id` has blocked `other_id`."""
    return False
