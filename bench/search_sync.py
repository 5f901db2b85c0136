"""What keeping the search index in sync costs a bookmark (issue 18): the time to insert an
image row with its title, description and 3 tags, with the index's triggers and without them,
in the database of DATABASE_URL (PostgreSQL: the tsvector + GIN triggers; SQLite: FTS5).
Every insert is rolled back, so the database is left as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bookmarks_bench python -m bench.search_sync
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmarks.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from images.models import Image  # noqa: E402

ROUNDS, PER_ROUND = 9, 30
PG_TRIGGERS = [
    ("images_image", "search_image_row"),
    ("images_taggedimage", "search_tagged_inserted"),
]
SQLITE_TRIGGERS = ["search_image_ai", "search_tagged_ai"]


class Rollback(Exception):
    pass


def bookmark(user, n: int) -> None:
    image = Image.objects.create(
        user=user,
        title=f"Golden harbour at dusk {n}",
        description="Found this while browsing and had to keep it.",
        alt_text="Boats in a harbour under an orange sky",
        url=f"https://sync-cost.example.com/{n}.jpg",
        page_url="https://www.example.com/harbour",
    )
    image.tags.add("harbour", "dusk", "boats")


def drop_triggers(cursor) -> None:
    if connection.vendor == "postgresql":
        for table, trigger in PG_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    else:  # SQLite's DDL is transactional: the rollback brings them back
        for trigger in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")


def round_ms(user, *, with_index: bool) -> float:
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if not with_index:
                    drop_triggers(cursor)
            started = time.perf_counter()
            for n in range(PER_ROUND):
                bookmark(user, n)
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed * 1000 / PER_ROUND


def main() -> None:
    user = get_user_model().objects.filter(is_active=True).order_by("pk").first()
    if user is None:
        raise SystemExit("No user in this database: seed it first (make demo, or seed_demo).")
    images = Image.objects.count()
    results: dict[bool, list[float]] = {True: [], False: []}
    round_ms(user, with_index=True)  # warm caches (content types, tag lookups)
    for _ in range(ROUNDS):  # interleaved, so machine load touches both alike
        for with_index in (False, True):
            results[with_index].append(round_ms(user, with_index=with_index))
    without, with_ = statistics.median(results[False]), statistics.median(results[True])
    print(
        f"{connection.vendor}, {images} images: a bookmark (row + 3 tags) takes "
        f"{without:.2f} ms without the index, {with_:.2f} ms with it: "
        f"+{with_ - without:.2f} ms (median of {ROUNDS} rounds of {PER_ROUND})"
    )


if __name__ == "__main__":
    main()
