"""Where private pictures live, and the S3 storage that keeps them private.

Every file of a private image is stored under `private/<32 hex digits>/…`: 128 random bits
(secrets.token_hex) that nobody can guess, and that change whenever the image becomes private
again (images.visibility copies its files to a fresh folder and removes the old names), so an
address known from before stops working. On local disk that unguessable path is the only
secret: media is served without listings (bookmarks/media.py, deploy/nginx.conf).

With S3 media (`MediaStorage`, chosen in settings when AWS_STORAGE_BUCKET_NAME is set), public
pictures are written public-read and linked without a signature; private ones are written with
the `private` ACL and linked by presigned URLs that expire after PRIVATE_MEDIA_URL_SECONDS.
"""

import secrets

from django.conf import settings
from storages.backends.s3 import S3Storage

PRIVATE_ROOT = "private"


def new_private_folder() -> str:
    """A fresh folder for one private image's files (128 random bits)."""
    return f"{PRIVATE_ROOT}/{secrets.token_hex(16)}"


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
