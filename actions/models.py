from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy


class Verb(models.TextChoices):
    """What an action says its user did; the value is the phrase the feed shows. The value is
    stored in English; the feed translates it as it shows it (the label is its catalogue entry,
    in the "activity" context)."""

    JOINED = "has created an account", pgettext_lazy("activity", "has created an account")
    BOOKMARKED = "bookmarked image", pgettext_lazy("activity", "bookmarked image")
    LIKES = "likes", pgettext_lazy("activity", "likes")
    FOLLOWS = "is following", pgettext_lazy("activity", "is following")
    COMMENTED = "commented on", pgettext_lazy("activity", "commented on")


class Action(models.Model):
    """Something a user did, shown in their followers' activity stream."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="actions",
        db_index=False,  # the (user, -created) index below serves every lookup by user
    )
    verb = models.CharField(max_length=255, choices=Verb.choices)
    target_ct = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        related_name="target_obj",
        blank=True,
        null=True,
        db_index=True,
    )
    target_id = models.PositiveBigIntegerField(blank=True, null=True, db_index=True)
    target = GenericForeignKey("target_ct", "target_id")
    created = models.DateTimeField(default=timezone.now)
    # False: seen by nobody but its user (about a private image, or a secret board); the
    # feed reads only public actions. Kept in step by the services that change privacy.
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # The feed: actions of a set of users, newest first. Read backwards by time, the
            # user id is in the index, so rows of people you don't follow are skipped without
            # touching the table, and the read stops after one page: flat as actions grow.
            models.Index(fields=["-created", "user"], name="actions_feed_idx"),
            # One user's actions by time: the 60-second de-duplication and per-user lookups.
            models.Index(fields=["user", "-created"], name="actions_user_newest_idx"),
        ]

    def __str__(self):
        return f"{self.user} {self.verb}"
