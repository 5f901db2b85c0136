"""Why a bookmark failed, in the language of the page that shows it.

The reasons are kept in English: a job writes them on the row (Image.failure) knowing no
visitor's language, and the forms receive them from images.fetch and bookmarks.imaging the
same way. Each one is a catalogue entry, some with a value filled in ("The server answered
404"); `translated_reason` finds the entry again and translates it, values and all."""

import re
from functools import cache

from django.utils.translation import gettext

from bookmarks import imaging

from . import fetch

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    """(entry, the regular expression its English text with values matches) for each reason
    that takes values."""
    patterns = []
    reasons = [*vars(fetch.Messages).items(), *vars(imaging.Messages).items()]
    for name, text in reasons:
        if name.startswith("_") or not isinstance(text, str) or not _PLACEHOLDER.search(text):
            continue
        pieces = _PLACEHOLDER.split(text)  # literal, name, literal, name, …, literal
        regex = "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)"
            for index, piece in enumerate(pieces)
        )
        patterns.append((text, re.compile(regex)))
    return patterns


def translated_reason(text: str) -> str:
    """`text`, a reason stored in English, in the active language (unchanged when the
    catalogue does not know it)."""
    translated = gettext(text)
    if translated != text:
        return translated
    for entry, pattern in _patterns():
        match = pattern.fullmatch(text)
        if match:
            return gettext(entry) % match.groupdict()
    return text
