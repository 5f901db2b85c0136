"""What a tag may be, in one place: the edit form, the suggest endpoint and the tag page all
normalise through here."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_TAG_LENGTH = 50
MAX_TAGS_PER_IMAGE = 20
# Tags are typed separated by commas or spaces: "sea, new-york  sunset".
SEPARATORS = re.compile(r"[,\s]+")


def is_tag_character(char: str) -> bool:
    # Letters (with their combining marks, which many scripts need) and digits of any
    # script, plus "-" and "_".
    return char in "-_" or unicodedata.category(char)[0] in "LMN"


def normalise_tag(raw: str) -> str:
    """The tag `raw` stands for (trimmed, NFC, lower-case), or ValidationError saying why not."""
    tag = unicodedata.normalize("NFC", raw.strip()).lower()
    if not tag:
        raise ValidationError(_("A tag cannot be empty."))
    if len(tag) > MAX_TAG_LENGTH:
        raise ValidationError(
            _("Keep each tag to %(count)s characters at most.") % {"count": MAX_TAG_LENGTH}
        )
    if not all(is_tag_character(char) for char in tag):
        raise ValidationError(
            _("Tags may hold only letters, digits, “-” and “_” (no spaces or other signs).")
        )
    return tag


def is_tag(text: str) -> bool:
    """Whether `text` is a tag as stored (normalised and valid): safe to look up."""
    try:
        return normalise_tag(text) == text
    except ValidationError:
        return False


def parse_tags(text: str) -> list[str]:
    """The distinct tags in `text` (comma- or space-separated), in the order typed. Raises
    ValidationError for a bad tag or more than MAX_TAGS_PER_IMAGE."""
    tags: list[str] = []
    for piece in SEPARATORS.split(text or ""):
        if not piece:
            continue
        tag = normalise_tag(piece)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS_PER_IMAGE:
        raise ValidationError(
            _("An image can have at most %(count)s tags.") % {"count": MAX_TAGS_PER_IMAGE}
        )
    return tags
