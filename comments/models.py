from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from images.models import Image

MAX_LENGTH = 2000
EDIT_WINDOW = timedelta(minutes=15)


class Comment(models.Model):
    """Plain text someone wrote under an image (rendered by comments.text, never as HTML)."""

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(max_length=MAX_LENGTH)
    created = models.DateTimeField(default=timezone.now)
    edited = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            # An image's comments by time (the page shows the newest few, oldest first).
            models.Index(fields=["image", "-id"], name="comments_image_newest_idx"),
        ]

    def __str__(self):
        return f"{self.author} on {self.image_id}: {self.body[:40]}"

    def get_absolute_url(self):
        return f"{self.image.get_absolute_url()}#comment-{self.pk}"

    def editable_until(self):
        return self.created + EDIT_WINDOW
