"""The export's manifest.json: its schema, in one place, and a strict check of it by hand.

An export holds, besides the originals under `images/`:

    {"format": "bookmarks-export", "version": 1, "exported_at": "<ISO 8601>",
     "account": {"username": str, "private_by_default": bool},
     "images": [{"file": "images/<name>", "sha256": hex, "size": int, "title": str,
                 "description": str, "alt_text": str, "tags": [str], "url": str,
                 "page_url": str, "private": bool, "created": "<ISO 8601>"}],
     "boards": [{"name": str, "description": str, "visibility": "public" | "secret",
                 "created": "<ISO 8601>", "updated": "<ISO 8601>",
                 "collaborators": [{"username": str, "role": "viewer" | "editor"}],
                 "entries": [<ref>, ...]}],          # in the board's order
     "likes": [<ref>], "follows": [username], "blocked": [username]}

A <ref> names an image: one of this export's, `{"file": "images/<name>"}`, or another person's,
`{"owner": username, "url": source URL, "title": str}` (found again by owner and source URL
where the archive is imported; an upload of someone else has no URL and cannot be found).

`check_manifest(data)` accepts exactly this shape (no unknown keys, every field of its type and
within the site's own limits) or raises ManifestError saying where it is wrong.
"""

import re
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boards.models import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, Role, Visibility
from images.tags import MAX_TAGS_PER_IMAGE, normalise_tag

FORMAT = "bookmarks-export"
VERSION = 1
MANIFEST_NAME = "manifest.json"
CSV_NAME = "images.csv"
IMAGES_DIR = "images/"

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_ALT = 300
MAX_URL = 2000
MAX_USERNAME = 150
_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
# A file of the archive: images/ then one plain name (no folders, no dot-names).
_FILE = re.compile(r"\Aimages/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}\Z")


class ManifestError(Exception):
    """The manifest is not of our schema; the message says where."""


def _fail(path: str, problem: str, **values) -> ManifestError:
    """`problem` is a translated sentence about `%(path)s` (and the other `values`)."""
    return ManifestError(
        _("manifest.json is not a Bookmarks export: %(problem)s.")
        % {"problem": problem % {"path": path, **values}}
    )


def _object(value: Any, path: str, keys: set[str]) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, _("%(path)s must be an object"))
    missing, unknown = keys - value.keys(), value.keys() - keys
    if missing:
        raise _fail(path, _("%(path)s lacks %(fields)s"), fields=", ".join(sorted(missing)))
    if unknown:
        raise _fail(
            path,
            _("%(path)s has unknown fields (%(fields)s)"),
            fields=", ".join(sorted(unknown)[:5]),
        )
    return value


def _list(value: Any, path: str, *, limit: int = 100_000) -> list:
    if not isinstance(value, list):
        raise _fail(path, _("%(path)s must be a list"))
    if len(value) > limit:
        raise _fail(path, _("%(path)s has more than %(limit)s items"), limit=limit)
    return value


def _text(value: Any, path: str, *, limit: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise _fail(path, _("%(path)s must be text"))
    if len(value) > limit:
        raise _fail(path, _("%(path)s is longer than %(limit)s characters"), limit=limit)
    if required and not value.strip():
        raise _fail(path, _("%(path)s is empty"))
    if "\x00" in value:
        raise _fail(path, _("%(path)s holds a null character"))
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, _("%(path)s must be true or false"))
    return value


def _url(value: Any, path: str) -> str:
    url = _text(value, path, limit=MAX_URL)
    if url and not url.lower().startswith(("http://", "https://")):
        raise _fail(path, _("%(path)s must start with http:// or https://"))
    return url


def _date(value: Any, path: str) -> datetime:
    text = _text(value, path, limit=40, required=True)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _fail(path, _("%(path)s is not a date and time (ISO 8601)")) from None
    if moment.tzinfo is None:
        raise _fail(path, _("%(path)s lacks its time zone"))
    return moment


def _choice(value: Any, path: str, choices) -> str:
    if value not in list(choices):
        raise _fail(path, _("%(path)s must be one of %(choices)s"), choices=", ".join(choices))
    return value


def _file(value: Any, path: str) -> str:
    name = _text(value, path, limit=300, required=True)
    if not _FILE.match(name):
        raise _fail(path, _("%(path)s must be a file under images/"))
    return name


def _ref(value: Any, path: str) -> dict:
    if isinstance(value, dict) and "file" in value:
        _file(_object(value, path, {"file"})["file"], f"{path}.file")
    else:
        _object(value, path, {"owner", "url", "title"})
        _text(value["owner"], f"{path}.owner", limit=MAX_USERNAME, required=True)
        _url(value["url"], f"{path}.url")
        _text(value["title"], f"{path}.title", limit=MAX_TITLE)
    return value


def _image(value: Any, path: str) -> None:
    keys = {"file", "sha256", "size", "title", "description", "alt_text", "tags", "url"}
    _object(value, path, keys | {"page_url", "private", "created"})
    _file(value["file"], f"{path}.file")
    if not isinstance(value["sha256"], str) or not _SHA256.match(value["sha256"]):
        raise _fail(f"{path}.sha256", _("%(path)s must be 64 lower-case hexadecimal digits"))
    size = value["size"]
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise _fail(f"{path}.size", _("%(path)s must be a positive whole number"))
    _text(value["title"], f"{path}.title", limit=MAX_TITLE, required=True)
    _text(value["description"], f"{path}.description", limit=MAX_DESCRIPTION)
    _text(value["alt_text"], f"{path}.alt_text", limit=MAX_ALT)
    tags = _list(value["tags"], f"{path}.tags", limit=MAX_TAGS_PER_IMAGE)
    for n, tag in enumerate(tags):
        tag_path = f"{path}.tags[{n}]"
        try:
            if normalise_tag(_text(tag, tag_path, limit=100)) != tag:
                raise _fail(tag_path, _("%(path)s is not a tag as Bookmarks writes them"))
        except ValidationError as error:
            raise _fail(
                tag_path, _("%(path)s is not a tag (%(reason)s)"), reason=error.messages[0]
            ) from None
    _url(value["url"], f"{path}.url")
    _url(value["page_url"], f"{path}.page_url")
    _bool(value["private"], f"{path}.private")
    _date(value["created"], f"{path}.created")


def _board(value: Any, path: str) -> None:
    keys = {"name", "description", "visibility", "created", "updated", "collaborators"}
    _object(value, path, keys | {"entries"})
    _text(value["name"], f"{path}.name", limit=MAX_NAME_LENGTH, required=True)
    _text(value["description"], f"{path}.description", limit=MAX_DESCRIPTION_LENGTH)
    _choice(value["visibility"], f"{path}.visibility", Visibility.values)
    _date(value["created"], f"{path}.created")
    _date(value["updated"], f"{path}.updated")
    for n, member in enumerate(_list(value["collaborators"], f"{path}.collaborators")):
        member_path = f"{path}.collaborators[{n}]"
        _object(member, member_path, {"username", "role"})
        _text(member["username"], f"{member_path}.username", limit=MAX_USERNAME, required=True)
        _choice(member["role"], f"{member_path}.role", Role.values)
    for n, entry in enumerate(_list(value["entries"], f"{path}.entries")):
        _ref(entry, f"{path}.entries[{n}]")


def check_manifest(data: Any) -> dict:
    """`data` (parsed JSON) if it is a manifest of our schema; else ManifestError."""
    keys = {"format", "version", "exported_at", "account", "images", "boards", "likes"}
    _object(data, _("the top level"), keys | {"follows", "blocked"})
    if data["format"] != FORMAT:
        raise _fail("format", _("%(path)s must be “%(format)s”"), format=FORMAT)
    if data["version"] != VERSION or isinstance(data["version"], bool):
        raise _fail(
            "version",
            _("%(path)s must be %(version)s (this site reads version %(version)s)"),
            version=VERSION,
        )
    _date(data["exported_at"], "exported_at")
    account = _object(data["account"], "account", {"username", "private_by_default"})
    _text(account["username"], "account.username", limit=MAX_USERNAME, required=True)
    _bool(account["private_by_default"], "account.private_by_default")
    files = set()
    for n, image in enumerate(_list(data["images"], "images")):
        _image(image, f"images[{n}]")
        if image["file"] in files:
            raise _fail(f"images[{n}].file", _("%(path)s names a file another image has"))
        files.add(image["file"])
    for n, board in enumerate(_list(data["boards"], "boards")):
        _board(board, f"boards[{n}]")
    for n, like in enumerate(_list(data["likes"], "likes")):
        _ref(like, f"likes[{n}]")
    for key in ("follows", "blocked"):
        for n, name in enumerate(_list(data[key], key)):
            _text(name, f"{key}[{n}]", limit=MAX_USERNAME, required=True)
    for where, refs in [("likes", data["likes"])] + [
        (f"boards[{n}].entries", board["entries"]) for n, board in enumerate(data["boards"])
    ]:
        for ref in refs:
            if "file" in ref and ref["file"] not in files:
                raise _fail(
                    where,
                    _("%(path)s names %(file)s, which is not one of the images"),
                    file=ref["file"],
                )
    return data
