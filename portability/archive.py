"""Opening an uploaded export ZIP safely: every entry is checked from the central directory
before a byte of it is unpacked, and unpacked with a cap.

Refused (ArchiveRefused, with a reason for the person): not a ZIP; more than MAX_ENTRIES
entries; a name that climbs out (`..`), is absolute (`/x`, `C:x`, `\\x`) or repeats; a symbolic
link (or any entry that is not a plain file or folder, read from the Unix mode in the external
attributes); an encrypted entry; an entry over its cap (an image over IMAGE_MAX_BYTES, the
manifest or CSV over MANIFEST_MAX_BYTES); all entries together over IMPORT_MAX_TOTAL_BYTES; an
entry whose size is more than MAX_RATIO times its compressed size (a ZIP bomb). Reading an
entry stops at the size the directory declared, so a lying header cannot unpack more.
"""

import re
import stat
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from bookmarks.imaging import describe_bytes

from .manifest import CSV_NAME, IMAGES_DIR, MANIFEST_NAME

MAX_ENTRIES = 10_000
MAX_RATIO = 100
MANIFEST_MAX_BYTES = 50 * 1024 * 1024
_DRIVE = re.compile(r"\A[A-Za-z]:")


class ArchiveRefused(Exception):
    """The archive cannot be imported; the message says why."""


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    info: zipfile.ZipInfo


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        not name
        or name.startswith(("/", "\\"))
        or bool(_DRIVE.match(name))
        or "\\" in name
        or "\x00" in name
        or any(part in ("..", ".") for part in parts)
    )


def _cap_for(name: str) -> int:
    if name in (MANIFEST_NAME, CSV_NAME):
        return MANIFEST_MAX_BYTES
    return settings.IMAGE_MAX_BYTES


def check_entries(archive: zipfile.ZipFile) -> dict[str, Entry]:
    """The archive's files by name, once every entry passed the checks above."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ArchiveRefused(
            _("The archive holds %(count)s files; an export holds at most %(most)s.")
            % {"count": f"{len(infos):,}", "most": f"{MAX_ENTRIES:,}"}
        )
    entries: dict[str, Entry] = {}
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe_name(name) or _unsafe_name(info.orig_filename.rstrip("/") or "/"):
            raise ArchiveRefused(
                _(
                    "The archive holds a file named “%(name)s”, which points outside the "
                    "archive (“..” or an absolute path): it was not imported."
                )
                % {"name": name[:100]}
            )
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveRefused(
                _("The archive holds a symbolic link (“%(name)s”): it was not imported.")
                % {"name": name[:100]}
            )
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):  # 0: no Unix mode
            raise ArchiveRefused(
                _("“%(name)s” in the archive is not a plain file.") % {"name": name[:100]}
            )
        if info.flag_bits & 0x1:
            raise ArchiveRefused(_("The archive is encrypted; export it again without a password."))
        if info.is_dir():
            if info.file_size:
                raise ArchiveRefused(
                    _("“%(name)s” in the archive is not a plain folder.") % {"name": name[:100]}
                )
            continue
        if name in entries:
            raise ArchiveRefused(_("The archive holds “%(name)s” twice.") % {"name": name[:100]})
        cap = _cap_for(name)
        if info.file_size > cap:
            raise ArchiveRefused(
                _("“%(name)s” in the archive is larger than %(limit)s.")
                % {"name": name[:100], "limit": describe_bytes(cap)}
            )
        if info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveRefused(
                _(
                    "“%(name)s” in the archive unpacks to more than %(ratio)s times its "
                    "packed size: it looks like a ZIP bomb and was not imported."
                )
                % {"name": name[:100], "ratio": MAX_RATIO}
            )
        total += info.file_size
        if total > settings.IMPORT_MAX_TOTAL_BYTES:
            raise ArchiveRefused(
                _("The archive unpacks to more than %(limit)s; split it into smaller ones.")
                % {"limit": describe_bytes(settings.IMPORT_MAX_TOTAL_BYTES)}
            )
        entries[name] = Entry(name=name, size=info.file_size, info=info)
    if MANIFEST_NAME not in entries:
        raise ArchiveRefused(
            _(
                "The archive has no manifest.json: it is not a Bookmarks export "
                "(make one with “Export your data” on your profile page)."
            )
        )
    stray = [
        n for n in entries if n not in (MANIFEST_NAME, CSV_NAME) and not n.startswith(IMAGES_DIR)
    ]
    if stray:
        raise ArchiveRefused(
            _("The archive holds “%(name)s”, which is not part of an export.")
            % {"name": stray[0][:100]}
        )
    return entries


def read_entry(archive: zipfile.ZipFile, entry: Entry) -> bytes:
    """The entry's bytes, at most its declared size (a CRC or size mismatch is refused)."""
    try:
        with archive.open(entry.info) as source:
            content = source.read(entry.size + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise ArchiveRefused(
            _("“%(name)s” in the archive is damaged.") % {"name": entry.name[:100]}
        ) from error
    except NotImplementedError as error:
        raise ArchiveRefused(
            _("“%(name)s” in the archive is packed in a way this site cannot read.")
            % {"name": entry.name[:100]}
        ) from error
    if len(content) != entry.size:
        raise ArchiveRefused(
            _("“%(name)s” in the archive is damaged.") % {"name": entry.name[:100]}
        )
    return content
