from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from bookmarks.thumbnails import thumbnail_for

THUMBNAIL_ALIASES = ("list", "detail")


class Image(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="images_created"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, blank=True)
    url = models.URLField("source URL", max_length=2000, blank=True)  # empty for uploads
    # The web page the image was found on (the bookmarklet sends it); empty when unknown.
    page_url = models.URLField("page URL", max_length=2000, blank=True)
    image = models.ImageField(upload_to="images/%Y/%m/%d/")
    thumbnails = models.JSONField(default=dict, blank=True, editable=False)
    description = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    users_like = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="images_liked", blank=True
    )
    total_likes = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["-created", "-id"], name="images_newest_idx"),
            models.Index(fields=["user", "-created"], name="images_user_newest_idx"),
        ]
        constraints = [
            # A person bookmarks an address once; uploads (no address) are each their own.
            models.UniqueConstraint(
                fields=["user", "url"],
                condition=~models.Q(url=""),
                name="images_image_unique_user_url",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200].strip("-") or "image"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("images:detail", args=[self.id, self.slug])

    @property
    def source_url(self) -> str:
        """Where the image came from, for people: its page when known, else the image file."""
        return self.page_url or self.url

    @property
    def list_thumbnail(self):
        return thumbnail_for(self.thumbnails, "list", self.image)

    @property
    def detail_thumbnail(self):
        return thumbnail_for(self.thumbnails, "detail", self.image)
