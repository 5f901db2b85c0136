"""Small factory functions for test data, built through our own services."""

import io

from PIL import Image as PILImage

from account.services import register_user

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str, *, email: str | None = None, first_name: str = "", password=PASSWORD):
    return register_user(
        username=username,
        email=email or f"{username}@example.com",
        password=password,
        first_name=first_name,
    )


def png_bytes(size=(120, 80), color=(200, 60, 90)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def make_image(user, *, title="A red square", url=None, size=(640, 480), color=(200, 60, 90)):
    """An Image row with a real PNG file and its thumbnails, as bookmarking would leave it."""
    from django.core.files.base import ContentFile

    from bookmarks.thumbnails import make_thumbnails
    from images.models import THUMBNAIL_ALIASES, Image

    make_image.counter = getattr(make_image, "counter", 0) + 1
    image = Image(
        user=user,
        title=title,
        url=url or f"https://pictures.example/{make_image.counter}.png",
    )
    image.image.save("picture.png", ContentFile(png_bytes(size, color)), save=False)
    image.thumbnails = make_thumbnails(image.image, THUMBNAIL_ALIASES)
    image.save()
    return image
