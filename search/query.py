"""Our query language, parsed once into a `Query` that both database backends turn into SQL
(search/backends.py). Nothing typed here ever reaches SQL as text: the words are cut into
tokens of letters and digits only (the same cut both full-text indexes make), and every other
value is passed as a query parameter.

    sunset beach       every word must match; the last one also as a prefix (bea → beach)
    "golden hour"      an exact phrase
    -people            leave out images that match
    #sea, tag:sea      images with the tag
    by:ana             images saved by ana (with board:, the board's owner)
    site:example.com   images whose source page is on that site (sub-domains too)
    board:trips        images on a board with that slug (by: names whose board)
    is:mine, is:liked  your own images, the images you like
"""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 500  # characters read of a query; the rest is ignored
MAX_TERMS = 16  # text terms (words, phrases, exclusions, sites) used of a query

# A token is a run of letters and digits of any script, as both indexes cut text (SQLite's
# unicode61 tokenizer; on PostgreSQL the trigger first turns ASCII punctuation into spaces).
TOKEN = re.compile(r"[^\W_]+")
# A piece of the query: an optional "-", then a quoted phrase (maybe unclosed) or a word.
PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
OPERATORS = ("tag", "by", "site", "board", "is")


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    LIKES = "likes"
    CHOICES = (RELEVANCE, NEWEST, LIKES)


def tokens(text: str) -> list[str]:
    """The index tokens of `text`: NFC, lower-case runs of letters and digits."""
    return TOKEN.findall(unicodedata.normalize("NFC", text).lower())


@dataclass
class Query:
    """What a query asks for. Each phrase is a list of tokens (a word of several tokens, such
    as "sea-side", is a phrase). `prefix` marks the last word as a prefix too."""

    words: list[str] = field(default_factory=list)
    prefix: bool = False
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)
    sites: list[list[str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    by: str | None = None
    board: str | None = None
    mine: bool = False
    liked: bool = False
    impossible: bool = False  # an operator that no row can satisfy (an invalid tag)

    @property
    def has_text(self) -> bool:
        """Whether the full-text index has something positive to look for."""
        return bool(self.words or self.phrases or self.sites)

    @property
    def terms(self) -> int:
        return len(self.words) + len(self.phrases) + len(self.excluded) + len(self.sites)

    def highlight_terms(self) -> tuple[set[str], str | None]:
        """The tokens to highlight in titles, and the prefix (the last word) if any."""
        exact = set(self.words)
        for phrase in self.phrases:
            exact.update(phrase)
        prefix = self.words[-1] if self.prefix and self.words else None
        return exact, prefix

    def text_words(self) -> list[str]:
        """The plain words and phrase words, for the searches that have no index (boards,
        people)."""
        out = list(self.words)
        for phrase in self.phrases:
            out.extend(phrase)
        return out


def parse(raw: str) -> Query:
    """The Query for `raw` (any text at all: never raises)."""
    text = _clean(raw)
    query = Query()
    last_was_word = False
    for match in PIECE.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        last_was_word = False
        if quoted is not None:
            words = tokens(quoted)
            if words:
                _add_phrase(query, words, negate=bool(negated))
            continue
        if bare.startswith("-"):
            words = tokens(bare[1:])
            if words:
                _add_phrase(query, words, negate=True)
            continue
        if bare.startswith("#"):
            _add_tag(query, bare[1:])
            continue
        name, sep, value = bare.partition(":")
        if sep and name.lower() in OPERATORS:
            _add_operator(query, name.lower(), value)
            continue
        words = tokens(bare)
        if len(words) == 1:
            if query.terms < MAX_TERMS:
                query.words.append(words[0])
                last_was_word = True
        elif words:
            _add_phrase(query, words, negate=False)
    # The last word typed also matches as a prefix, unless the person typed on past it.
    query.prefix = last_was_word and not text.endswith((" ", '"'))
    return query


def _clean(raw: str) -> str:
    text = (raw or "")[:MAX_QUERY_LENGTH]
    # Control characters (NUL included) and other invisible ones become spaces.
    return "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)


def _add_phrase(query: Query, words: list[str], *, negate: bool) -> None:
    if query.terms >= MAX_TERMS:
        return
    if negate:
        query.excluded.append(words)
    elif len(words) == 1:
        query.words.append(words[0])
    else:
        query.phrases.append(words)


def _add_tag(query: Query, value: str) -> None:
    from images.tags import is_tag  # images knows nothing of search; search knows images

    tag = unicodedata.normalize("NFC", value.strip()).lower()
    if not tag:
        return  # `tag:` with nothing after it asks for nothing
    if is_tag(tag):
        if tag not in query.tags:
            query.tags.append(tag)
    else:
        query.impossible = True  # no image can carry such a tag


def _add_operator(query: Query, name: str, value: str) -> None:
    value = value.strip()
    if name == "tag":
        _add_tag(query, value)
    elif not value:
        return
    elif name == "by":
        query.by = value[:150]
    elif name == "board":
        query.board = value.lower()[:110]
    elif name == "site":
        host = value.lower().split("://", 1)[-1].split("/", 1)[0]
        labels = tokens(host.removeprefix("www."))
        if labels and query.terms < MAX_TERMS:
            query.sites.append(labels)
    elif name == "is":
        if value.lower() == "mine":
            query.mine = True
        elif value.lower() == "liked":
            query.liked = True
