"""Cursor pages for the API's image lists: newest first by (created, id), the next page
starting strictly after the last row shown. Unlike an OFFSET, a cursor costs the same on page
1 and page 1,000, and rows added meanwhile never repeat or skip items. The cursor is opaque
to clients (base64 of the last row's time and id); one not made by us is a 400."""

import base64
import binascii
from datetime import datetime

from django.db.models import Q
from django.utils.http import urlencode

from .problems import Problem

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode(created: datetime, pk: int) -> str:
    raw = f"{created.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, _, pk = base64.urlsafe_b64decode(padded.encode("ascii")).decode().partition("|")
        when, number = datetime.fromisoformat(created), int(pk)
        if when.tzinfo is None or not 0 < number < 2**63:
            raise ValueError
        return when, number
    except (ValueError, UnicodeError, binascii.Error):
        raise Problem(400, "This cursor is not one the API gave out: start without it.") from None


def cursor_page(request, queryset, *, cursor: str | None, limit: int):
    """(rows, next address or None) of an ordered (-created, -id) queryset. One query."""
    if cursor:
        created, pk = decode(cursor)
        queryset = queryset.filter(Q(created__lt=created) | Q(created=created, pk__lt=pk))
    rows = list(queryset[: limit + 1])
    next_url = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        query = request.GET.copy()
        query["cursor"] = encode(last.created, last.pk)
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")
    return rows, next_url


def next_page_url(request, page) -> str | None:
    """The address of the page after a bookmarks.paging.WindowPage, or None."""
    if page is None or not page.has_next():
        return None
    query = request.GET.copy()
    query["page"] = str(page.next_page_number())
    return request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")
