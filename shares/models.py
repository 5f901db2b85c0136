from django.conf import settings
from django.db import models


class SharedPhoto(models.Model):
    """A photo a phone's share sheet sent us, held until its person confirms it.

    The share sheet's POST carries no CSRF token, so it only stages the photo here; the image is
    made by the confirmation form, which has one. Anonymous shares (`user` empty) belong to the
    session that made them until its person logs in. Rows older than shares.services.KEEP are
    deleted whenever a photo is staged.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    content = models.BinaryField()
    content_type = models.CharField(max_length=40)
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(max_length=5000, blank=True)
    page_url = models.URLField(max_length=2000, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "shared photo"

    def __str__(self):
        return f"Shared photo {self.pk} ({self.content_type})"
