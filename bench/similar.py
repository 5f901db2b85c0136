"""`make bench-similar`: the image page's "Similar images" look-up (images.dedupe.similar_images,
multi-index hashing) at SIMILAR_SIZE images (default 100,000) on PostgreSQL.

Fills a database of its own (BENCH_PG + /bench_similar) with that many ready images whose
64-bit hashes are random, a tenth of them near copies of another (within 1-8 bits, as resized
or re-encoded pictures are), files each under its four keys, then times 300 look-ups of random
images as a visitor sees them and prints p50/p95/max (target: p95 <= 20 ms).
"""

import os
import random
import statistics
import subprocess
import sys
import time

SIZE = int(os.environ.get("SIMILAR_SIZE", 100_000))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
NAME = "bench_similar"


def main() -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{NAME}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmarks.settings")
    reuse = os.environ.get("SIMILAR_REUSE") == "1"  # time again without filling again
    if not reuse:
        drop = f"DROP DATABASE IF EXISTS {NAME}"
        subprocess.run(["psql", PG + "/postgres", "-qc", drop], check=True)
        subprocess.run(["psql", PG + "/postgres", "-qc", f"CREATE DATABASE {NAME}"], check=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from account.models import User
    from images import dedupe
    from images.models import Image, ImageHashKey, Status

    rng = random.Random(19)
    if reuse:
        return measure(rng, Image, dedupe)
    owners = User.objects.bulk_create(User(username=f"b{n}") for n in range(100))
    hashes: list[int] = []
    for _ in range(SIZE):
        if hashes and rng.random() < 0.1:
            value = hashes[rng.randrange(len(hashes))] & (2**64 - 1)
            for bit in rng.sample(range(64), rng.randint(1, 8)):
                value ^= 1 << bit
        else:
            value = rng.getrandbits(64)
        hashes.append(value - 2**64 if value >= 2**63 else value)
    started = time.monotonic()
    for start in range(0, SIZE, 5000):
        chunk = hashes[start : start + 5000]
        images = Image.objects.bulk_create(
            Image(
                user=owners[(start + i) % 100],
                title=f"I{start + i}",
                slug="i",
                status=Status.READY,
                phash=h,
                image="images/x.jpg",
            )  # fmt: skip
            for i, h in enumerate(chunk)
        )
        ImageHashKey.objects.bulk_create(
            ImageHashKey(image=image, key=key, phash=image.phash)
            for image in images
            for key in dedupe.hash_keys(image.phash)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled {SIZE:,} images in {time.monotonic() - started:.0f} s", file=sys.stderr)
    measure(rng, Image, dedupe)


def measure(rng, Image, dedupe) -> None:
    ids = list(Image.objects.values_list("pk", flat=True))
    samples, found = [], []
    for pk in rng.sample(ids, 300):
        image = Image.objects.only("id", "phash").get(pk=pk)
        begin = time.perf_counter()
        similar = dedupe.similar_images(image, viewer=None)
        samples.append((time.perf_counter() - begin) * 1000)
        found.append(len(similar))
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(
        f"similar images at {len(ids):,}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {samples[-1]:.1f} ms"
        f" (target p95 <= 20 ms); {sum(1 for f in found if f)} of 300 had some, "
        f"{statistics.mean(found):.2f} on average"
    )


if __name__ == "__main__":
    main()
