import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookmarks.thumbnails import Thumbnail
from images.models import Image

MAX_NAME_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 2000
# Entries are spaced this far apart, so a move lands between two neighbours with one UPDATE;
# only when a gap is used up is the board renumbered (see services.move_entry).
POSITION_GAP = 1 << 16


def hash_share_token(token: str) -> str:
    """What a board keeps of its share link's token (Board.share_token_hash)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Visibility(models.TextChoices):
    """Who may see a board: everyone, or (secret) its owner and collaborators only. Selectors
    filter on this in one place (selectors.visible_boards)."""

    PUBLIC = "public", _("Public")
    SECRET = "secret", _("Secret")


class Role(models.TextChoices):
    """A collaborator's rights on someone else's board: viewers see it (even when secret);
    editors also add, remove and reorder entries. Only the owner changes the board itself."""

    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")


class Board(models.Model):
    """A person's named collection of images (theirs or anyone's)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="boards",
        db_index=False,  # the (owner, -updated) index serves lookups by owner
    )
    name = models.CharField(max_length=MAX_NAME_LENGTH)
    slug = models.SlugField(max_length=MAX_NAME_LENGTH + 10, allow_unicode=True)
    description = models.TextField(blank=True, max_length=MAX_DESCRIPTION_LENGTH)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # The cover shown for the board: the owner's choice (cover_chosen) or else the newest
    # entry, kept up to date by the services (and by signals when an image is deleted).
    cover = models.ForeignKey(
        Image, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cover_chosen = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    # The share link (services.create_share_link): only the SHA-256 of its random token is
    # kept, so the database alone does not open the board; empty when there is no link.
    share_token_hash = models.CharField(max_length=64, blank=True, default="")
    share_created = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated", "-id"]
        constraints = [
            models.UniqueConstraint(
                "owner", Lower("name"), name="boards_board_unique_owner_name_ci"
            ),
            models.UniqueConstraint(
                fields=["owner", "slug"], name="boards_board_unique_owner_slug"
            ),
            models.UniqueConstraint(
                fields=["share_token_hash"],
                condition=~models.Q(share_token_hash=""),
                name="boards_board_unique_share_token",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-updated", "-id"], name="boards_owner_updated_idx"),
            # Everyone's boards newest first: search's board suggestions walk it and stop at
            # the first few that match a short word (longer ones use the name's trigrams).
            models.Index(fields=["-updated", "-id"], name="boards_updated_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("boards:detail", args=[self.owner.username, self.slug])

    @property
    def is_secret(self) -> bool:
        return self.visibility == Visibility.SECRET

    # The activity feed draws a target with a title and a list thumbnail (see
    # templates/actions/_feed_items.html): a board offers both, from its cover.
    @property
    def title(self) -> str:
        return self.name

    @property
    def list_thumbnail(self) -> Thumbnail:
        if self.cover is None:  # an empty board: the site's mark rather than a broken image
            return Thumbnail(static("img/favicon.svg"), None, None)
        return self.cover.list_thumbnail


class BoardEntry(models.Model):
    """An image on a board, at a position in the owner's order (ascending)."""

    board = models.ForeignKey(
        Board,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,  # the indexes below all start with the board
    )
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="board_entries")
    position = models.BigIntegerField()
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "image"], name="boards_entry_unique_image"),
        ]
        indexes = [
            models.Index(fields=["board", "position", "id"], name="boards_entry_order_idx"),
            models.Index(fields=["board", "-added", "-id"], name="boards_entry_newest_idx"),
        ]

    def __str__(self):
        return f"{self.image_id} on {self.board_id}"


class BoardMember(models.Model):
    """A collaborator on a board (never its owner)."""

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.VIEWER)
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added", "id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="boards_member_unique_user"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.role} of {self.board_id}"
