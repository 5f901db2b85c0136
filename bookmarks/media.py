"""Uploaded images served by Django itself, for `make serve` on local disk without nginx.

In production nginx serves /media/ straight from MEDIA_ROOT (deploy/nginx.conf) and this view
is never reached. It answers only GET/HEAD for files whose name ends in an image extension,
with the content type taken from that extension (never sniffed from the bytes), `nosniff` and a
sandboxing Content-Security-Policy, so an uploaded file cannot run as a page of our origin.
Anything else, a directory (no listings: some names will be the only secret), or a path that
leaves MEDIA_ROOT answers 404.
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

# The formats images/fetch.py and the profile form accept, and their thumbnails.
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
MEDIA_CSP = "default-src 'none'; sandbox"


def media_file(path: str) -> tuple[Path, str]:
    """The file under MEDIA_ROOT that `path` names and its content type; Http404 when it is not
    an image file inside MEDIA_ROOT (symbolic links are followed, then checked too)."""
    content_type = IMAGE_TYPES.get(Path(path).suffix.lower())
    if content_type is None or "\x00" in path:
        raise Http404("Not an image")
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        target = (root / path).resolve()
    except (OSError, RuntimeError, ValueError) as error:
        raise Http404("No such file") from error
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404("No such file")
    return target, content_type


@require_safe
def serve_media(request, path: str):
    target, content_type = media_file(path)
    stat = target.stat()
    if not was_modified_since(request.headers.get("if-modified-since"), stat.st_mtime):
        response = HttpResponseNotModified()
    else:
        response = FileResponse(target.open("rb"), content_type=content_type)
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    response["Cache-Control"] = "public, max-age=3600"
    return response
