from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Block(models.Model):
    """`blocker` blocked `blocked`: the blocked person can no longer follow, like, save or
    comment on the blocker's images nor see their page, and the blocker no longer sees the
    blocked person's actions."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="blocks_block_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")),
                name="blocks_block_not_self",
                violation_error_message=_("You cannot block yourself."),
            ),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="blocks_blocked_idx")]

    def __str__(self):
        return f"{self.blocker_id} blocked {self.blocked_id}"
