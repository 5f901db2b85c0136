"""Shared steps of the portability tests: a person with a bit of everything, an export
through the real view, an import through the real view, and a snapshot to compare."""

import hashlib
import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from account.services import follow_user
from boards.models import Board, Visibility
from boards.services import create_board, move_entry, save_to_board
from images.models import Image
from images.services import like_image
from tests.factories import make_image


def furnish(user, other):
    """`user` with public and private images (tags, texts, page URL), a public and a secret
    board in a chosen order (one holding `other`'s image), a like and a follow."""
    sea = make_image(user, title="Sea at dawn", color=(10, 90, 200))
    sea.description, sea.alt_text = "Calm sea.\nSecond line, “quoted”.", "A blue square"
    sea.page_url = "https://pages.example/sea"
    sea.save()
    sea.tags.set(["sea", "blue"])
    gift = make_image(user, title="Gift idea", color=(200, 10, 10))
    gift.private = True
    gift.save()
    gift.tags.set(["gifts"])
    plain = make_image(user, title="Plain", color=(10, 200, 10))
    theirs = make_image(other, title="Their lake", color=(1, 2, 3))
    like_image(user=user, image_id=theirs.id, like=True)
    like_image(user=user, image_id=sea.id, like=True)
    follow_user(user_from=user, user_to=other, follow=True)
    trips = create_board(owner=user, name="Trips", description="Places")
    for image in (sea, plain, theirs):
        save_to_board(user=user, image_id=image.id, board_id=trips.id)
    move_entry(board=trips, image_id=sea.id, position=0)  # sea, theirs, plain
    secret = create_board(owner=user, name="Presents")
    Board.objects.filter(pk=secret.pk).update(visibility=Visibility.SECRET)
    save_to_board(user=user, image_id=gift.id, board_id=secret.id)
    user.profile.private_by_default = True
    user.profile.save()
    return {"sea": sea, "gift": gift, "plain": plain, "theirs": theirs}


def file_hash(image: Image) -> str:
    with image.image.open("rb") as source:
        return hashlib.sha256(source.read()).hexdigest()


def snapshot(user) -> dict:
    """What must survive a round trip, keyed by things that do not depend on ids."""
    images = {}
    for image in Image.objects.filter(user=user).prefetch_related("tags"):
        images[image.title] = {
            "sha256": file_hash(image),
            "tags": sorted(t.name for t in image.tags.all()),
            "private": image.private,
            "description": image.description,
            "alt_text": image.alt_text,
            "url": image.url,
            "page_url": image.page_url,
            "created": image.created,
        }
    boards = {
        board.name: {
            "visibility": board.visibility,
            "description": board.description,
            "order": [e.image.title for e in board.entries.select_related("image")],
        }
        for board in Board.objects.filter(owner=user)
    }
    likes = sorted(user.images_liked.values_list("title", flat=True))
    follows = sorted(user.following.values_list("username", flat=True))
    return {
        "images": images,
        "boards": boards,
        "likes": likes,
        "follows": follows,
        "private_by_default": type(user).objects.get(pk=user.pk).profile.private_by_default,
    }


def export_bytes(client) -> bytes:
    response = client.post(reverse("portability:export"))
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    return b"".join(response.streaming_content)


def manifest_of(archive: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        return json.loads(zipped.read("manifest.json"))


def post_import(client, archive: bytes, name: str = "export.zip"):
    upload = SimpleUploadedFile(name, archive, content_type="application/zip")
    return client.post(reverse("portability:import"), {"archive": upload})


def build_zip(entries: dict[str, bytes], *, compress=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compress) as zipped:
        for name, content in entries.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def rezip(archive: bytes, *, manifest=None, extra: dict | None = None, drop=()) -> bytes:
    """The archive with its manifest replaced (a dict, or raw bytes) and entries added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in drop:
                continue
            if info.filename == "manifest.json" and manifest is not None:
                raw = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
                target.writestr("manifest.json", raw)
            else:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def noisy_png(side: int = 300) -> bytes:
    """A PNG of random pixels: it does not compress, so its size is about 3 bytes a pixel."""
    import os

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def make_noisy_image(user, *, title: str, side: int = 300) -> Image:
    from django.core.files.base import ContentFile

    image = Image(user=user, title=title, url=f"https://noise.example/{title}.png")
    image.image.save("noise.png", ContentFile(noisy_png(side)), save=False)
    image.save()
    return image
