"""Pages of a list without COUNT(*): read one row more than a page to know whether another
page follows. A COUNT over every row grows with the table; this does not."""

from dataclasses import dataclass

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
