"""Matched words marked in a title, safely: the title is split into tokens and the text
between them, every piece is escaped, and only our own <mark> is markup."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import TOKEN


def highlight(title: str, exact: set[str], prefix: str | None) -> SafeString:
    """`title` escaped, with each token that equals one of `exact` (or starts with `prefix`)
    in <mark>…</mark>. Comparison is on the lower-case token, as the index compares."""
    pieces: list[str] = []
    position = 0
    for match in TOKEN.finditer(title):
        word = match.group().lower()
        if word in exact or (prefix and word.startswith(prefix)):
            pieces.append(escape(title[position : match.start()]))
            pieces.append("<mark>" + escape(match.group()) + "</mark>")
            position = match.end()
    pieces.append(escape(title[position:]))
    return mark_safe("".join(pieces))  # every piece above was escaped
