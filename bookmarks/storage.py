"""Where private pictures live, and the S3 storage that keeps them private.

Every file of a private image is stored under `private/<32 hex digits>/…`: 128 random bits
(secrets.token_hex) that nobody can guess, and that change whenever the image becomes private
again (images.visibility copies its files to a fresh folder and removes the old names), so an
address known from before stops working. On local disk that unguessable path is the only
secret: media is served without listings (bookmarks/media.py, deploy/nginx.conf).

With S3 media (`MediaStorage`, chosen in settings when AWS_STORAGE_BUCKET_NAME is set), public
pictures are written public-read and linked without a signature; private ones are written with
the `private` ACL and linked by presigned URLs that expire after PRIVATE_MEDIA_URL_SECONDS.

`save_whole` writes a file that must never be seen half-written (content-addressed originals
and their thumbnails, whose presence says they are done).
"""

import os
import secrets
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from storages.backends.s3 import S3Storage

PRIVATE_ROOT = "private"
# Files being written by save_whole on local disk (same file system as their final names).
PARTIAL_ROOT = "partial"
PARTIAL_MAX_AGE = 3600  # seconds: a writer killed longer ago than this left its file behind


def new_private_folder() -> str:
    """A fresh folder for one private image's files (128 random bits)."""
    return f"{PRIVATE_ROOT}/{secrets.token_hex(16)}"


def save_whole(name: str, content: bytes) -> bool:
    """Write `content` at `name` unless a file is there, in one step: nobody ever sees part of
    it there, even when this process is killed mid-write. Returns whether this call wrote it
    (False: a file was there already, or another writer put one there meanwhile).

    On local disk the bytes go to a temporary name in one folder (`PARTIAL_ROOT/<random>.part`,
    left behind only by a killed writer, and swept by `remove_stale_partial_files`), then are
    linked in place: unlike a rename, os.link never replaces a file that is there. S3 shows an
    object only once its upload is complete (one PUT, or a multipart upload's last step), so a
    save there is whole or absent already."""
    storage = default_storage
    if storage.exists(name):
        return False
    if not isinstance(storage, FileSystemStorage):
        written = storage.save(name, ContentFile(content))
        if written != name:  # a storage that keeps both: another save got there first
            storage.delete(written)
            return False
        return True
    temporary = storage.save(f"{PARTIAL_ROOT}/{secrets.token_hex(16)}.part", ContentFile(content))
    source, target = storage.path(temporary), storage.path(name)
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(source, target)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: a rename is whole too
        os.replace(source, target)
    finally:
        storage.delete(temporary)
    return True


def remove_stale_partial_files(*, now: float | None = None) -> int:
    """The periodic job (settings.JOB_PERIODIC): delete what killed writers left in
    PARTIAL_ROOT (files older than PARTIAL_MAX_AGE; a live write takes seconds). Local disk
    only: S3 never shows a half-written object. Returns how many were removed."""
    storage = default_storage
    if not isinstance(storage, FileSystemStorage) or not storage.exists(PARTIAL_ROOT):
        return 0
    now = time.time() if now is None else now
    removed = 0
    for entry in os.scandir(storage.path(PARTIAL_ROOT)):
        try:
            if entry.is_file() and now - entry.stat().st_mtime > PARTIAL_MAX_AGE:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:  # another worker swept it meanwhile
            continue
    return removed


def is_private_name(name: str) -> bool:
    return (name or "").lstrip("/").startswith(PRIVATE_ROOT + "/")


class MediaStorage(S3Storage):
    """S3 media: public objects readable by anyone, private ones only by signed URL."""

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        params["ACL"] = "private" if is_private_name(name) else "public-read"
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not is_private_name(name):
            return super().url(name, parameters, expire, http_method)
        # Signed by the bucket's own endpoint (a custom domain would serve it unsigned).
        params = dict(parameters or {}, Bucket=self.bucket.name, Key=self._normalize_name(name))
        return self.connection.meta.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=expire or settings.PRIVATE_MEDIA_URL_SECONDS,
            HttpMethod=http_method,
        )
