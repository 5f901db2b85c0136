"""Demo pictures and avatars: drawn with Pillow (no download), stored once under `demo/`.

A small pool of pictures is drawn and stored with its thumbnails; many demo Image rows then
point at the same file names and thumbnails JSON. The core delete path removes a file only
when no row references it any more (bookmarks.deletion), so deleting one demo image (admin,
shell) keeps the files the others show; `seed_demo --reset` removes the whole `demo/` folder.
"""

import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

from account.models import Profile
from account.services import AVATAR_ALIASES
from bookmarks.thumbnails import make_thumbnails
from images.models import THUMBNAIL_ALIASES, Image

FILES_DIR = "demo"  # under MEDIA_ROOT (or the bucket): every demo file, nothing else
ADJECTIVES = (
    "Amber", "Azure", "Bright", "Calm", "Coral", "Crimson", "Distant", "Dusky", "Emerald",
    "Faded", "Gentle", "Golden", "Hidden", "Icy", "Lonely", "Misty", "Quiet", "Rosy", "Silver",
    "Soft", "Still", "Sunny", "Teal", "Violet", "Wild",
)  # fmt: skip
SUBJECTS = (
    "dunes", "hills", "harbour", "meadow", "mountains", "lake", "skyline", "forest", "bay",
    "valley", "coast", "fields", "garden", "rooftops", "island", "river", "canyon", "shapes",
    "circles", "horizon",
)  # fmt: skip
MOMENTS = ("", "", " at dawn", " at dusk", " in spring", " in winter", " after rain", " at noon")
DESCRIPTIONS = (
    "",
    "",
    "Found this while browsing and had to keep it.",
    "The colours in this one are wonderful.",
    "Inspiration for the living-room wall.",
    "Saving for my mood board.",
    "Reminds me of last summer.",
)
PALETTES = (
    ((255, 183, 94), (237, 100, 166), (75, 43, 122), (255, 240, 200)),
    ((18, 52, 86), (52, 152, 219), (236, 240, 241), (241, 196, 15)),
    ((22, 160, 133), (39, 174, 96), (241, 196, 15), (44, 62, 80)),
    ((252, 92, 101), (253, 150, 68), (254, 211, 48), (38, 222, 129)),
    ((45, 52, 54), (99, 110, 114), (178, 190, 195), (223, 230, 233)),
    ((108, 92, 231), (162, 155, 254), (253, 121, 168), (255, 234, 167)),
    ((0, 48, 73), (214, 40, 40), (247, 127, 0), (252, 191, 73)),
    ((38, 70, 83), (42, 157, 143), (233, 196, 106), (231, 111, 81)),
)
PICTURE_SIZES = ((960, 640), (800, 600), (640, 800), (720, 720), (1024, 576))


def draw_picture(rng: random.Random, size: tuple[int, int]) -> bytes:
    """A JPEG: a two-colour gradient sky with a sun, layered hills or loose shapes on top."""
    width, height = size
    first, second, *accents = rng.sample(PALETTES[rng.randrange(len(PALETTES))], 4)
    mask = PILImage.linear_gradient("L")
    mask = rng.choice([mask, mask.transpose(PILImage.Transpose.ROTATE_90)]).resize(size)
    picture = PILImage.composite(
        PILImage.new("RGB", size, first), PILImage.new("RGB", size, second), mask
    ).convert("RGBA")
    layer = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    if rng.random() < 0.5:  # a landscape: sun and hills
        r = rng.randint(height // 10, height // 5)
        cx, cy = rng.randint(r, width - r), rng.randint(r, height // 2)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*accents[1], 230))
        for layer_no in range(3):
            base = height * (0.55 + 0.15 * layer_no)
            points = [(0, height)]
            for x in range(0, width + 80, 80):
                points.append((x, base - rng.randint(0, int(height * 0.18))))
            points.append((width, height))
            shade = tuple(int(c * (1 - 0.25 * layer_no)) for c in accents[0])
            draw.polygon(points, fill=(*shade, 255))
    else:  # loose shapes
        for _ in range(rng.randint(5, 12)):
            colour = (*rng.choice([*accents, first, second]), rng.randint(120, 220))
            x, y = rng.randrange(width), rng.randrange(height)
            s = rng.randint(min(size) // 10, min(size) // 3)
            kind = rng.random()
            if kind < 0.4:
                draw.ellipse((x - s, y - s, x + s, y + s), fill=colour)
            elif kind < 0.75:
                draw.rectangle((x - s, y - s // 2, x + s, y + s // 2), fill=colour)
            else:
                draw.polygon([(x, y - s), (x + s, y + s), (x - s, y + s)], fill=colour)
    picture = PILImage.alpha_composite(picture, layer.filter(ImageFilter.SMOOTH)).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def draw_avatar(rng: random.Random) -> bytes:
    """A JPEG portrait placeholder: a head and shoulders on a coloured disc."""
    palette = PALETTES[rng.randrange(len(PALETTES))]
    background, figure = rng.sample(palette, 2)
    avatar = PILImage.new("RGB", (256, 256), background)
    draw = ImageDraw.Draw(avatar)
    draw.ellipse((88, 48, 168, 128), fill=figure)
    draw.ellipse((48, 140, 208, 300), fill=figure)
    buffer = io.BytesIO()
    avatar.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _delete_files_under(directory: str) -> None:
    if not default_storage.exists(directory):
        return
    folders, files = default_storage.listdir(directory)
    for name in files:
        default_storage.delete(f"{directory}/{name}")
    for folder in folders:
        _delete_files_under(f"{directory}/{folder}")


def delete_demo_files() -> None:
    """Remove every demo picture, avatar and thumbnail."""
    _delete_files_under(FILES_DIR)


def _store(name: str, content: bytes, fieldfile, aliases) -> tuple[str, dict]:
    # The storage itself, not fieldfile.save(): that would put it under the field's upload_to.
    fieldfile.name = fieldfile.storage.save(name, ContentFile(content))
    return fieldfile.name, make_thumbnails(fieldfile, aliases)


def store_pictures(rng: random.Random, count: int, bar=None) -> list[tuple[str, dict]]:
    """Draw `count` pictures; store each once with its list/detail thumbnails."""
    pool = []
    for n in range(count):
        content = draw_picture(rng, rng.choice(PICTURE_SIZES))
        pool.append(_store(f"{FILES_DIR}/pictures/picture-{n + 1:03d}.jpg", content,
                           Image().image, THUMBNAIL_ALIASES))  # fmt: skip
        if bar:
            bar.add(1)
    return pool


def store_avatars(rng: random.Random, count: int, bar=None) -> list[tuple[str, dict]]:
    pool = []
    for n in range(count):
        content = draw_avatar(rng)
        pool.append(_store(f"{FILES_DIR}/avatars/avatar-{n + 1:02d}.jpg", content,
                           Profile().photo, AVATAR_ALIASES))  # fmt: skip
        if bar:
            bar.add(1)
    return pool


def is_demo_file(name: str) -> bool:
    return name.startswith(FILES_DIR + "/")
