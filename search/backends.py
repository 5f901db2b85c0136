"""The two full-text backends: each turns a parsed Query (search/query.py) into a filter and a
rank on an Image queryset, using the index the migration keeps (search/migrations/0001).

Tokens reach SQL only as query parameters, and inside them only as quoted terms: a token is
letters and digits alone (query.tokens), and each is wrapped in quotes all the same, so no text
typed can become FTS5 or tsquery syntax.
"""

from django.db import connection
from django.db.models import QuerySet

from .query import Query


def _fts5_phrase(words: list[str], *, prefix: bool = False) -> str:
    phrase = '"' + " ".join(w.replace('"', "") for w in words) + '"'
    return phrase + ("*" if prefix else "")


def fts5_match(query: Query) -> tuple[str, str]:
    """(positive, negative) FTS5 MATCH strings; either may be empty."""
    parts = []
    for index, word in enumerate(query.words):
        last = index == len(query.words) - 1
        parts.append(_fts5_phrase([word], prefix=query.prefix and last))
    parts += [_fts5_phrase(phrase) for phrase in query.phrases]
    parts += ["domain : " + _fts5_phrase(labels) for labels in query.sites]
    negative = " OR ".join(_fts5_phrase(phrase) for phrase in query.excluded)
    return " AND ".join(parts), negative


def _ts_term(word: str, *, weight: str = "", prefix: bool = False) -> str:
    # Tokens hold letters and digits only; quoting (and doubling any quote) is belt and braces.
    term = "'" + word.replace("'", "''").replace("\\", "") + "'"
    if weight or prefix:
        term += ":" + ("*" if prefix else "") + weight
    return term


def _ts_phrase(words: list[str], *, weight: str = "") -> str:
    return "(" + " <-> ".join(_ts_term(w, weight=weight) for w in words) + ")"


def tsquery(query: Query) -> tuple[str, str]:
    """(positive, negative) texts for to_tsquery('simple', …); either may be empty."""
    parts = []
    for index, word in enumerate(query.words):
        last = index == len(query.words) - 1
        parts.append(_ts_term(word, prefix=query.prefix and last))
    parts += [_ts_phrase(phrase) for phrase in query.phrases]
    parts += [_ts_phrase(labels, weight="D") for labels in query.sites]
    negative = " | ".join(_ts_phrase(phrase) for phrase in query.excluded)
    return " & ".join(parts), negative


class SQLiteBackend:
    # bm25 weights per column: title, tags, body (alt text and description), domain.
    RANK = "bm25(search_image_fts, 10.0, 5.0, 2.0, 1.0)"

    def filter_images(
        self, images: QuerySet, query: Query, *, ranked: bool = True
    ) -> tuple[QuerySet, str | None]:
        """The images matching the query's text, and the name of the rank to order by (lower
        first; None when there is nothing to rank). bm25 in FTS5 scores every match fast
        enough (C code over the index alone), so SQLite ranks them all."""
        positive, negative = fts5_match(query)
        if positive:
            match = f"({positive}) NOT ({negative})" if negative else positive
            images = images.extra(
                tables=["search_image_fts"],
                where=["search_image_fts.rowid = images_image.id", "search_image_fts MATCH %s"],
                params=[match],
                select={"search_rank": self.RANK},
            )
            return images, "search_rank"
        if negative:
            images = images.extra(
                where=[
                    "images_image.id NOT IN (SELECT rowid FROM search_image_fts "
                    "WHERE search_image_fts MATCH %s)"
                ],
                params=[negative],
            )
        return images, None


class PostgresBackend:
    # ts_rank_cd's default weights: D 0.1, C 0.2, B 0.4, A 1.0. Higher first.
    RANK = "-ts_rank_cd(images_image.search_document, to_tsquery('simple', %s))"
    MATCH = "images_image.search_document @@ to_tsquery('simple', %s)"
    # Best match ranks the newest RANK_WINDOW matches: ranking every match of a word found in
    # a third of all images read and scored them all (150 ms at 30k images); the newest 500
    # are found by walking the date index (a common word) or the GIN index (a rare
    # one), then scored. Newest and most liked see every match.
    RANK_WINDOW = 500
    WINDOW = (
        "images_image.id IN (SELECT w.id FROM images_image w WHERE w.search_document @@ "
        "to_tsquery('simple', %s) ORDER BY w.created DESC, w.id DESC LIMIT {limit})"
    )

    def filter_images(
        self, images: QuerySet, query: Query, *, ranked: bool = True
    ) -> tuple[QuerySet, str | None]:
        positive, negative = tsquery(query)
        if positive:
            text = f"({positive}) & !({negative})" if negative else positive
            if not ranked:
                return images.extra(where=[self.MATCH], params=[text]), None
            images = images.extra(
                where=[self.MATCH, self.WINDOW.format(limit=int(self.RANK_WINDOW))],
                params=[text, text],
                select={"search_rank": self.RANK},
                select_params=[text],
            )
            return images, "search_rank"
        if negative:
            images = images.extra(
                where=["NOT (images_image.search_document @@ to_tsquery('simple', %s))"],
                params=[negative],
            )
        return images, None


def backend():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SQLiteBackend()


_trigram: dict[str, bool] = {}


def has_trigrams() -> bool:
    """Whether pg_trgm is installed in this PostgreSQL database (asked once per process)."""
    if connection.vendor != "postgresql":
        return False
    name = str(connection.settings_dict["NAME"])
    if name not in _trigram:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trigram[name] = cursor.fetchone() is not None
    return _trigram[name]


# The text people are found by, as the trigram index of the migration covers it.
PEOPLE_TEXT = (
    "(account_user.username || ' ' || account_user.first_name || ' ' || account_user.last_name)"
)
