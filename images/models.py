from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from bookmarks.thumbnails import thumbnail_for

THUMBNAIL_ALIASES = ("list", "detail")


class Status(models.TextChoices):
    """A bookmark is saved by a background job (images.jobs): only its owner sees it until it is
    ready, as a 'Saving…' card, or as the reason it failed."""

    SAVING = "saving", _("Saving")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    # Stored, but held for its owner's choice: it looks like an image they saved (see
    # images.dedupe). "Save anyway" makes it READY; "Go to it" removes it.
    SIMILAR = "similar", _("Looks like one you saved")


def visible_q(viewer, prefix: str = "") -> models.Q:
    """The condition "`viewer` (maybe anonymous) may see this image", on Image rows or, with
    `prefix` ("image__", "entries__image__"), on rows that reach an image: public ready
    images, and all of the viewer's own (private, saving or failed). The one definition that
    `visible_to` and every annotation counting visible images use."""
    public = models.Q(**{f"{prefix}status": Status.READY, f"{prefix}private": False})
    if viewer is not None and viewer.is_authenticated:
        return public | models.Q(**{f"{prefix}user": viewer.pk})
    return public


class ImageQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "ImageQuerySet":
        """What `viewer` (maybe anonymous) may see: public ready images, and all of their own
        (private, saving or failed). Every list of images goes through here."""
        return self.filter(visible_q(viewer))


class Image(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="images_created"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, blank=True, allow_unicode=True)
    url = models.URLField(_("source URL"), max_length=2000, blank=True)  # empty for uploads
    # The web page the image was found on (the bookmarklet sends it); empty when unknown.
    page_url = models.URLField(_("page URL"), max_length=2000, blank=True)
    image = models.ImageField(upload_to="images/%Y/%m/%d/", blank=True)  # empty while saving
    thumbnails = models.JSONField(default=dict, blank=True, editable=False)
    description = models.TextField(blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    users_like = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="images_liked", blank=True
    )
    total_likes = models.PositiveIntegerField(default=0, db_index=True)
    tags = TaggableManager(through="TaggedImage", blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.READY)
    failure = models.CharField(max_length=300, blank=True)  # why it failed, for its owner
    # Seen by its owner only, everywhere (see visible_to and bookmarks/privacy.py).
    private = models.BooleanField(
        default=False,
        help_text=_(
            "Only you will see it: not in lists, feeds, rankings or other people's boards."
        ),
    )
    # What finds duplicates (images.dedupe): the address's key, the SHA-256 of the bytes as they
    # came, and the 64-bit dHash (signed). Empty/None on rows saved before they existed.
    url_normalized = models.CharField(max_length=2000, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    phash = models.BigIntegerField(null=True, blank=True, editable=False)
    # The image this save repeats (same bytes: the save failed; looks alike: held as SIMILAR).
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Upright size, dominant colour (the placeholder while it loads) and the served
    # derivatives: {"webp": [{"name", "width", "height"}, ...], "avif": [...]}. Rows saved
    # before them have none and show their thumbnails.
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    colour = models.CharField(max_length=7, blank=True, editable=False)
    derivatives = models.JSONField(default=dict, blank=True, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["-created", "-id"], name="images_newest_idx"),
            models.Index(fields=["user", "-created"], name="images_user_newest_idx"),
            # Saving and failed bookmarks are few: the in-flight cap and the lost-job sweep
            # find them without reading the ready ones.
            models.Index(
                fields=["status", "created"],
                condition=~models.Q(status="ready"),
                name="images_unfinished_idx",
            ),
            # The image list and tag pages of visitors: public ready images newest first,
            # read in order with no row of a private or unfinished one in the way.
            models.Index(
                fields=["-created", "-id"],
                condition=models.Q(status="ready", private=False),
                name="images_public_newest_idx",
            ),
            models.Index(fields=["user", "url_normalized"], name="images_user_url_norm_idx"),
            models.Index(fields=["user", "sha256"], name="images_user_sha256_idx"),
            models.Index(fields=["user", "phash"], name="images_user_phash_idx"),
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
            # Letters of every script stay: a Japanese title reads as Japanese in the address.
            self.slug = slugify(self.title, allow_unicode=True)[:200].strip("-") or "image"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("images:detail", args=[self.id, self.slug])

    @property
    def alt(self) -> str:
        """The text of every <img alt> showing this image: its alt text, else its title."""
        return self.alt_text or self.title

    def is_visible_to(self, viewer) -> bool:
        """The row-level twin of `Image.objects.visible_to`."""
        if viewer is not None and viewer.is_authenticated and self.user_id == viewer.pk:
            return True
        return self.status == Status.READY and not self.private

    @property
    def is_ready(self) -> bool:
        return self.status == Status.READY

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


class ImageHashKey(models.Model):
    """One band of an image's perceptual hash, for the multi-index look-up of images.dedupe:
    every image with a hash has four rows (key = band × 65,536 + the band's 16 bits), and
    keeps its whole hash here too, so candidates are checked without reading the images."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="+")
    key = models.IntegerField()
    phash = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "image", "phash"], name="images_hashkey_key_idx")]

    def __str__(self):
        return f"{self.image_id}:{self.key}"


class TaggedImage(TaggedItemBase):
    """An image's tag (django-taggit's through model with a real foreign key, so a tag page
    is a plain join instead of a generic relation)."""

    content_object = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="tagged")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "content_object"], name="images_taggedimage_unique_tag_image"
            ),
        ]  # its index (tag first) also serves the tag page's join
