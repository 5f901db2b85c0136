"""The social hook: services say what happened to whom, without knowing who listens.

`like_image`, `follow_user`, `add_comment` (and, later, saving to a board) call `announce()`
explicitly after their write; the notifications app connects to `happened` in its
AppConfig.ready() and decides who hears of it. This keeps imports one way (images and account
never import notifications) while the step stays an explicit call in each service.

Another app can announce the same way, e.g. a boards app:
    announce(Happening.SAVED, actor=user, target=image)
"""

from django.db import models
from django.dispatch import Signal
from django.utils.translation import pgettext_lazy


class Happening(models.TextChoices):
    """What can happen to someone's image or to them; the notification kinds."""

    # Labels: what follows the actor's name in a notification ("Ana liked …").
    LIKED = "liked", pgettext_lazy("notification", "liked")
    COMMENTED = "commented", pgettext_lazy("notification", "commented on")
    MENTIONED = "mentioned", pgettext_lazy("notification", "mentioned you on")
    FOLLOWED = "followed", pgettext_lazy("notification", "started following you")
    SAVED = "saved", pgettext_lazy("notification", "saved")


# sender: a Happening. kwargs: actor (a user), target (the image, or the user followed),
# recipients (optional user ids; by default the target's owner).
happened = Signal()


def announce(kind: Happening, *, actor, target, recipients: list[int] | None = None) -> None:
    happened.send(sender=kind, actor=actor, target=target, recipients=recipients)
