from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookmarks.social import Happening


class Notification(models.Model):
    """One line of someone's notifications: `kind` happened to `target`, by `actor_count`
    people, the latest being `actor`. While unread, new events of the same kind on the same
    target join the row ('Ana and 12 others liked Sunset') instead of adding rows."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the (recipient, -updated) index serves it
    )
    kind = models.CharField(max_length=20, choices=Happening.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    actor_count = models.PositiveIntegerField(default=1)
    target_ct = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_ct", "target_id")
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-updated"], name="notifications_newest_idx"),
        ]
        constraints = [
            # One unread group per (person, kind, target): concurrent events join it.
            models.UniqueConstraint(
                fields=["recipient", "kind", "target_ct", "target_id"],
                condition=models.Q(read_at__isnull=True),
                name="notifications_one_unread_group",
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.actor} {self.kind} ({self.actor_count})"

    @property
    def others(self) -> int:
        return self.actor_count - 1


class NotificationActor(models.Model):
    """Who is in a group, so a person who likes, unlikes and likes again counts once."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "user"], name="notifications_actor_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id} in {self.notification_id}"


class Preferences(models.Model):
    """Which kinds a person wants to hear of, and whether they want a daily e-mail digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    liked = models.BooleanField(_("Likes of your images"), default=True)
    commented = models.BooleanField(_("Comments on your images"), default=True)
    mentioned = models.BooleanField(_("Mentions of you"), default=True)
    followed = models.BooleanField(_("New followers"), default=True)
    saved = models.BooleanField(_("Your images saved to boards"), default=True)
    email_digest = models.BooleanField(_("A daily e-mail digest"), default=False)
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"Notification preferences of {self.user}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind, True))
