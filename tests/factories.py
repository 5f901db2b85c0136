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
