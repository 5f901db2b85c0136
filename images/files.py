"""Where a bookmarked picture's files are stored, and under which names.

A public picture's original is stored once, under a name made from its bytes: two people who
save the same bytes share one original and the thumbnails and derivatives drawn from it (their
names are the original's plus a suffix). The name is a keyed HMAC of the SHA-256
(`images/<aa>/<bb>/<40 hex>.<ext>`, 160 bits), so knowing a public picture does not tell where
it is stored. A private picture (`private=True`) gets a random name of its own instead, under
`private/` (bookmarks.storage: S3 keeps those objects private and signs their URLs).

Files go only when no row references them (bookmarks.deletion.names_in_use), so a shared file
outlives any one of its rows.
"""

import secrets

from django.utils.crypto import salted_hmac

from bookmarks.storage import new_private_folder, save_whole
from bookmarks.thumbnails import DerivedFiles, Picture, Rendered, store_thumbnails

_SALT = "images.files.content-name"


def original_name(sha256: str, extension: str, *, private: bool = False) -> str:
    """The stored name of an original with this SHA-256 (random for a private one)."""
    if private:  # a fresh folder of 128 random bits, never shared (bookmarks.storage)
        return f"{new_private_folder()}/{secrets.token_hex(8)}.{extension}"
    key = salted_hmac(_SALT, sha256, algorithm="sha256").hexdigest()[:40]
    return f"images/{key[:2]}/{key[2:4]}/{key}.{extension}"


def store_once(name: str, content: bytes) -> bool:
    """Write `content` at `name` unless a file is there already (the same bytes: the name says
    so). Returns whether this call wrote it. Written whole or not at all (bookmarks.storage.
    save_whole): a worker killed mid-write leaves no half file that a later save would take
    for this one. Two callers at the same moment: one file remains."""
    return save_whole(name, content)


def store_picture(name: str, content: bytes, picture: Picture) -> DerivedFiles:
    """Store the original (once) and the thumbnails and derivatives drawn from it, each under a
    name derived from the original's; files already there are the same and are kept."""
    store_once(name, content)
    thumbnails = store_thumbnails(name, picture.thumbnails, shared=True)
    derivatives: dict[str, list[dict]] = {}
    for fmt, renders in picture.derivatives.items():
        derivatives[fmt] = [_store_derivative(name, r) for r in renders]
    return DerivedFiles(thumbnails, derivatives)


def _store_derivative(original: str, rendered: Rendered) -> dict:
    name = f"{original}.w{rendered.width}.{rendered.extension}"
    store_once(name, rendered.content)
    return {"name": name, "width": rendered.width, "height": rendered.height}


def derived_names(thumbnails: dict, derivatives: dict) -> dict:
    """Every file drawn from an original, shaped as bookmarks.thumbnails.delete_pictures takes
    them (alias -> {"name": ...})."""
    named = dict(thumbnails or {})
    for fmt, entries in (derivatives or {}).items():
        for entry in entries:
            named[f"{fmt}-{entry.get('width')}"] = entry
    return named
