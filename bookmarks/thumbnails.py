"""Thumbnails made once, when a picture is saved, and remembered on the row.

easy-thumbnails would otherwise check (on disk or in its tables) whether a thumbnail exists
each time a template asks for one: a query or a stat per picture on every list page. We make
the thumbnails of the given aliases at save time and keep their names and sizes in a JSON
field, so rendering a page costs nothing but string formatting.
"""

from django.apps import apps
from django.core.files.storage import default_storage
from easy_thumbnails.alias import aliases as alias_registry
from easy_thumbnails.files import get_thumbnailer


def make_thumbnails(fieldfile, alias_names) -> dict[str, dict]:
    """Make the thumbnails of `alias_names` for a stored file; all of them or none (the ones
    made before a failure are removed)."""
    thumbnailer = get_thumbnailer(fieldfile)
    made = {}
    try:
        for alias in alias_names:
            options = alias_registry.get(alias)
            if options is None:
                raise KeyError(f"Unknown thumbnail alias {alias!r} (see THUMBNAIL_ALIASES)")
            thumb = thumbnailer.get_thumbnail(options)
            made[alias] = {"name": thumb.name, "width": thumb.width, "height": thumb.height}
    except BaseException:
        delete_thumbnails(made)
        raise
    return made


def delete_thumbnails(thumbnails: dict) -> None:
    for info in thumbnails.values():
        name = info.get("name")
        if name and default_storage.exists(name):
            default_storage.delete(name)


class Thumbnail:
    """What a template needs to draw one thumbnail: url, width, height."""

    def __init__(self, url: str, width: int | None, height: int | None):
        self.url, self.width, self.height = url, width, height

    def __bool__(self):
        return bool(self.url)


def thumbnail_for(thumbnails: dict, alias: str, fieldfile) -> Thumbnail:
    info = (thumbnails or {}).get(alias)
    if info:
        return Thumbnail(default_storage.url(info["name"]), info["width"], info["height"])
    if fieldfile:
        # No thumbnail recorded (e.g. imported data): show the original, never generate here.
        return Thumbnail(fieldfile.url, None, None)
    return Thumbnail("", None, None)


def delete_pictures(pictures: list[tuple[str, dict]]) -> None:
    """Remove stored pictures for good: each (file name, thumbnails as recorded on its row)
    loses its file, those thumbnails, any other thumbnail easy-thumbnails made of it, and the
    rows easy-thumbnails keeps about it (Source, Thumbnail). This holds however the thumbnails
    were made: with no easy-thumbnails rows, only the recorded files go. The caller makes sure
    no row still shows the file."""
    names = [name for name, _ in pictures if name]
    doomed = {info.get("name") for _, thumbs in pictures for info in (thumbs or {}).values()}
    records = _easy_thumbnails_sources(names)
    if records is not None:
        doomed.update(records.values_list("thumbnails__name", flat=True))
    for name in sorted(filter(None, doomed)) + names:
        default_storage.delete(name)  # a file already gone is no error
    if records is not None:
        records.delete()  # its Thumbnail rows go with it (cascade)


def _easy_thumbnails_sources(names: list[str]):
    if not names or not apps.is_installed("easy_thumbnails"):
        return None
    from easy_thumbnails.models import Source

    return Source.objects.filter(name__in=names)
