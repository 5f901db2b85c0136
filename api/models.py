from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class Scope(models.TextChoices):
    """What a personal access token may do: `read` answers GETs only; `write` also creates,
    changes and deletes (it includes read)."""

    READ = "read", gettext_lazy("Read only")
    WRITE = "write", gettext_lazy("Read and write")


class Token(models.Model):
    """A personal access token for the REST API. Only the SHA-256 of its secret is kept (the
    secret is shown once, when it is made); `prefix` is its first characters, so people can
    tell their tokens apart on the profile page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "-created"], name="api_token_user_newest_idx")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    def is_expired(self, now=None) -> bool:
        return self.expires is not None and self.expires <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.revoked is None and not self.is_expired()
