"""Pages of a list without COUNT(*): read one row more than a page to know whether another
page follows. A COUNT over every row grows with the table; this does not.

One policy for a page that does not exist (past the end, 0, negative, beyond MAX_PAGE), on
every list (images, a person's images, people, the dashboard): the page is a 404 that says so
and links to the list's first page (`past_the_end`), as Django's own paginated views answer;
the infinite-scroll fragment of such a page (images_only, actions_only) is empty, which tells
the script there is no more. A redirect would show other content under the old address (and
repeat items in an infinite scroll), and an empty page would say "nothing here" of a list that
has things. Anything that is not a number means page 1. Every list draws its links with the
one pager, templates/shared/_pager.html.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

MAX_PAGE = 100_000  # far past any real list; keeps OFFSET a sane number


@dataclass
class WindowPage:
    object_list: list
    number: int
    _has_next: bool

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def window_page(queryset, number, *, per_page: int) -> WindowPage | None:
    """Page `number` (1-based; anything unparsable means 1) of an ordered queryset, or None
    when the number lies out of range or past the end. One query."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if not 1 <= number <= MAX_PAGE:
        return None
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    if not rows and number > 1:
        return None
    return WindowPage(rows[:per_page], number, len(rows) > per_page)


def past_the_end(request: HttpRequest, *, fragment: bool = False) -> HttpResponse:
    """The one answer to a page that does not exist (see the top): an empty fragment for
    infinite scroll, else a 404 page with a link to the list's first page."""
    if fragment:
        return HttpResponse("")
    context = {"number": request.GET.get("page", ""), "first_page": request.path}
    return render(request, "shared/past_the_end.html", context, status=404)
