"""Comment text: what counts as empty, which @names it mentions, and its safe HTML.

A comment is plain text. Everything in it is escaped; only two things become markup we
write ourselves: http(s) addresses (links with rel="nofollow ugc noopener") and @username of
an existing person (a link to their page). Any other scheme (javascript:, data:) stays text.
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Zero-width and other invisible format characters: a body of only these is empty.
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\u00ad]")
# @name at the start or after a non-word character (so me@example.com is no mention).
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]{1,150})")
URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
TOKEN = re.compile(f"{URL.pattern}|{MENTION.pattern}", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def normalize(body: str) -> str:
    """The body to store: newlines unified, outer whitespace dropped; '' when only
    whitespace and invisible characters remain."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if not _INVISIBLE.sub("", body).strip():
        return ""
    return body.strip()


def visible_length(body: str) -> int:
    return len(unicodedata.normalize("NFC", body))


def mentioned_names(body: str) -> set[str]:
    """The @names in `body`, lower-cased, with trailing punctuation dropped."""
    return {m.rstrip(_TRAILING).lower() for m in MENTION.findall(body) if m.rstrip(_TRAILING)}


def render(body: str, people: dict[str, Any]) -> SafeString:
    """`body` as safe HTML. `people` maps lower-cased usernames to users: only those @names
    become links. Line breaks become <br>."""
    out: list[str] = []
    position = 0
    for match in TOKEN.finditer(body):
        out.append(escape(body[position : match.start()]))
        token = match.group(0)
        stripped = token.rstrip(_TRAILING)
        trailing = token[len(stripped) :]
        if token.startswith("@"):
            person = people.get(stripped[1:].lower())
            if person is None:
                out.append(escape(token))
            else:
                url = reverse("user_detail", args=[person.username])
                out.append(f'<a class="mention" href="{escape(url)}">{escape(stripped)}</a>')
                out.append(escape(trailing))
        else:
            out.append(
                f'<a href="{escape(stripped)}" rel="nofollow ugc noopener" target="_blank">'
                f"{escape(stripped)}</a>{escape(trailing)}"
            )
        position = match.end()
    out.append(escape(body[position:]))
    return mark_safe("".join(out).replace("\n", "<br>"))


def names_in(bodies: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for body in bodies:
        names |= mentioned_names(body)
    return names
