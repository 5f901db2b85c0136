"""Seeding: demo users with avatars, pictures, likes, follows and activity, inserted in bulk.

Used by `manage.py seed_demo` (and `make demo`, `make bench`). Everything is drawn from one
`random.Random(seed)`, so the same sizes and seed give the same site. Pictures come from
demo.pictures (shared files, see there), people from demo.people; views go to Redis through
images.ranking's public functions.
"""

import math
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from account.models import Contact, Profile
from actions.models import Action, Verb
from images import ranking
from images.models import Image

from .boards import seed_boards_and_tags
from .people import (
    BIOS,
    EMAIL_DOMAIN,
    FIRST_NAMES,
    LAST_NAMES,
    PASSWORD,
    USERNAME_PREFIX,
    WELL_KNOWN_USERNAME,
    demo_username,
    demo_users,
)
from .pictures import (
    ADJECTIVES,
    DESCRIPTIONS,
    MOMENTS,
    SUBJECTS,
    delete_demo_files,
    store_avatars,
    store_pictures,
)
from .progress import Progress

User = get_user_model()

BATCH_SIZE = 5000
HISTORY = timedelta(days=180)  # demo activity spreads over the last six months


class DemoDataExists(Exception):
    def __init__(self, users: int):
        super().__init__(f"{users} demo users already exist")
        self.users = users


class DemoSizeError(ValueError):
    """The sizes asked for cannot be made (e.g. more likes than user×image pairs)."""


@dataclass(frozen=True)
class Sizes:
    users: int
    images: int
    actions: int
    likes: int
    follows: int
    pictures: int
    avatars: int
    views: int

    @classmethod
    def derive(
        cls,
        *,
        users: int,
        images: int,
        actions: int,
        likes: int | None = None,
        follows: int | None = None,
        pictures: int = 60,
        avatars: int = 24,
        views: int | None = None,
    ) -> "Sizes":
        """Fill in what was not asked: ~15 follows per user, and enough likes that the events
        (sign-ups, bookmarks, follows, likes) cover the actions asked. Raises DemoSizeError."""
        if users < 2 or images < 0 or actions < 0:
            raise DemoSizeError("Need at least 2 users, and no negative sizes.")
        max_follows = users * (users - 1)
        max_likes = images * (users - 1)  # nobody likes their own picture
        if follows is None:
            follows = min(users * 15, max_follows // 2)
        if likes is None:
            likes = min(max(images, actions - users - images - follows), max_likes // 2)
        if follows > max_follows // 2:
            raise DemoSizeError(f"At most {max_follows // 2} follows for {users} users.")
        if likes > max_likes // 2:
            raise DemoSizeError(
                f"At most {max_likes // 2} likes for {users} users × {images} images."
            )
        events = users + images + follows + likes
        if actions > events:
            raise DemoSizeError(
                f"{actions} actions need as many events, but sign-ups, bookmarks, follows and "
                f"likes make {events}: raise --likes or --follows."
            )
        return cls(
            users=users,
            images=images,
            actions=actions,
            likes=likes,
            follows=follows,
            pictures=max(1, min(pictures, images)) if images else 0,
            avatars=max(0, min(avatars, users)),
            views=min(images, 500) if views is None else min(views, images),
        )


# --- Seeding ----------------------------------------------------------------------------------


def _batches(rows: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model, rows: Iterable, bar) -> list:
    """bulk_create in batches; returns the created objects (with their ids on PostgreSQL and
    SQLite ≥ 3.35) when `rows` is a list, nothing for a generator."""
    created = [] if isinstance(rows, list) else None
    for batch in _batches(rows):
        objects = model.objects.bulk_create(batch)
        if created is not None:
            created.extend(objects)
        bar.add(len(batch))
    if created and created[0].pk is None:
        raise RuntimeError("This database does not return ids from bulk inserts.")
    return created or []


def _distinct_pairs(count: int, pick_a, pick_b, refuse, what: str) -> list[tuple[int, int]]:
    """`count` distinct (a, b) pairs drawn with pick_a()/pick_b(), skipping refuse(a, b)."""
    seen: set[tuple[int, int]] = set()
    pairs = []
    attempts = 0
    while len(pairs) < count:
        attempts += 1
        if attempts > 50 * count + 1000:
            raise DemoSizeError(f"Could not draw {count} distinct {what}: ask for fewer.")
        pair = (pick_a(), pick_b())
        if pair in seen or refuse(*pair):
            continue
        seen.add(pair)
        pairs.append(pair)
    return pairs


def _skewed(rng: random.Random, n: int, power: float):
    """Indexes in [0, n) where low ones are much more likely: a few popular users and images."""
    return lambda: min(n - 1, int(n * rng.random() ** power))


def _between(rng: random.Random, start: float, end: float) -> float:
    return start + rng.random() * (end - start)


@dataclass
class Report:
    sizes: Sizes
    seconds: float
    username: str = WELL_KNOWN_USERNAME
    password: str = PASSWORD


def seed_demo(sizes: Sizes, *, seed: int = 1, progress: Progress | None = None) -> Report:
    """Insert demo users (with profiles and avatars), images, likes, follows and actions of
    exactly the sizes given, in one transaction, plus view counts in Redis. Image.total_likes
    equals each image's like rows. Raises DemoDataExists when demo users exist already."""
    progress = progress or Progress(enabled=False)
    started = time.monotonic()
    existing = demo_users().count()
    if existing:
        raise DemoDataExists(existing)
    usernames = [demo_username(n) for n in range(sizes.users)]
    taken = {
        name.lower()
        for name in User.objects.filter(username__istartswith=USERNAME_PREFIX).values_list(
            "username", flat=True
        )
    }
    if taken & {name.lower() for name in usernames}:
        raise DemoSizeError("Some demo usernames (demo0001, ...) belong to real users.")

    rng = random.Random(seed)
    delete_demo_files()  # leftovers of an earlier run whose rows are gone
    with progress.step("pictures", sizes.pictures + sizes.avatars) as bar:
        pictures = store_pictures(random.Random(rng.random()), sizes.pictures, bar)
        avatars = store_avatars(random.Random(rng.random()), sizes.avatars, bar)

    now = timezone.now().timestamp()
    start = now - HISTORY.total_seconds()
    n_users, n_images = sizes.users, sizes.images

    # Plan everything as indexes and timestamps first; rows are built batch by batch below.
    joined = sorted(_between(rng, start, start + 0.7 * (now - start)) for _ in range(n_users))
    pick_owner = _skewed(rng, n_users, 1.6)
    owner_of = [pick_owner() for _ in range(n_images)]
    image_time = [_between(rng, joined[owner_of[i]], now) for i in range(n_images)]
    follows = _distinct_pairs(
        sizes.follows, lambda: rng.randrange(n_users), _skewed(rng, n_users, 2.0),
        lambda a, b: a == b, "follows",
    )  # fmt: skip
    likes = _distinct_pairs(
        sizes.likes, _skewed(rng, n_images, 2.0), lambda: rng.randrange(n_users),
        lambda i, u: owner_of[i] == u, "likes",
    )  # fmt: skip
    likes_of = Counter(i for i, _ in likes)
    password = make_password(PASSWORD)  # hashing is slow on purpose: once for every user

    with transaction.atomic():
        with progress.step("users", n_users) as bar:
            users = _insert(
                User,
                [
                    User(
                        username=usernames[n],
                        email=f"{usernames[n]}@{EMAIL_DOMAIN}",
                        password=password,
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        date_joined=datetime.fromtimestamp(joined[n], UTC),
                    )
                    for n in range(n_users)
                ],
                bar,
            )
        user_ids = [user.pk for user in users]

        with progress.step("profiles", n_users) as bar:
            # One in five keeps the initial-letter avatar, as real users who set no photo.
            def profile(n: int) -> Profile:
                bio = BIOS[n % len(BIOS)] if n % 4 != 3 else ""  # no random draw: same data
                if not avatars or rng.random() < 0.2:
                    return Profile(user_id=user_ids[n], bio=bio)
                name, thumbnails = avatars[rng.randrange(len(avatars))]
                return Profile(
                    user_id=user_ids[n], bio=bio, photo=name, photo_thumbnails=thumbnails
                )

            _insert(Profile, (profile(n) for n in range(n_users)), bar)

        follow_time = [_between(rng, max(joined[a], joined[b]), now) for a, b in follows]
        with progress.step("follows", len(follows)) as bar:
            _insert(
                Contact,
                (
                    Contact(
                        user_from_id=user_ids[a],
                        user_to_id=user_ids[b],
                        created=datetime.fromtimestamp(t, UTC),
                    )
                    for (a, b), t in zip(follows, follow_time, strict=True)
                ),
                bar,
            )

        def image(i: int) -> Image:
            # Many rows share one stored picture and its thumbnails (see demo.pictures).
            name, thumbnails = pictures[rng.randrange(len(pictures))]
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)}{rng.choice(MOMENTS)}"
            slug = slugify(title)
            return Image(
                user_id=user_ids[owner_of[i]],
                title=title,
                slug=slug,
                url=f"https://pictures.example.com/demo/{i + 1}/{slug}.jpg",
                image=name,
                thumbnails=thumbnails,
                description=rng.choice(DESCRIPTIONS),
                created=datetime.fromtimestamp(image_time[i], UTC),
                total_likes=likes_of[i],
            )

        with progress.step("images", n_images) as bar:
            image_ids = [obj.pk for obj in _insert(Image, [image(i) for i in range(n_images)], bar)]

        like_time = [_between(rng, max(image_time[i], joined[u]), now) for i, u in likes]
        Like = Image.users_like.through
        with progress.step("likes", len(likes)) as bar:
            _insert(Like, (Like(image_id=image_ids[i], user_id=user_ids[u]) for i, u in likes), bar)

        image_ct = ContentType.objects.get_for_model(Image).pk
        user_ct = ContentType.objects.get_for_model(User).pk

        def action(event: int) -> Action:
            # Events are numbered: sign-ups, then bookmarks, then follows, then likes.
            if event < n_users:
                return _action(user_ids[event], Verb.JOINED, None, None, joined[event])
            event -= n_users
            if event < n_images:
                return _action(user_ids[owner_of[event]], Verb.BOOKMARKED, image_ct,
                               image_ids[event], image_time[event])  # fmt: skip
            event -= n_images
            if event < len(follows):
                a, b = follows[event]
                return _action(user_ids[a], Verb.FOLLOWS, user_ct, user_ids[b],
                               follow_time[event])  # fmt: skip
            event -= len(follows)
            i, u = likes[event]
            return _action(user_ids[u], Verb.LIKES, image_ct, image_ids[i], like_time[event])

        events = n_users + n_images + len(follows) + len(likes)
        chosen = sorted(rng.sample(range(events), sizes.actions))
        with progress.step("actions", sizes.actions) as bar:
            _insert(Action, (action(event) for event in chosen), bar)

        seed_boards_and_tags(users=user_ids, images=image_ids, rng=random.Random(f"{seed}:boards"),
                             progress=progress)  # fmt: skip

    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner guesses; and, outside a transaction (not in tests),
        # the visibility map that autovacuum would build in time, without which COUNT(*) and
        # index-only scans read the whole table: measure the steady state, not the import.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    seed_views(image_ids, count=sizes.views, rng=random.Random(seed))
    return Report(sizes=sizes, seconds=time.monotonic() - started)


def _action(user_id, verb, target_ct_id, target_id, timestamp) -> Action:
    return Action(
        user_id=user_id,
        verb=verb,
        target_ct_id=target_ct_id,
        target_id=target_id,
        created=datetime.fromtimestamp(timestamp, UTC),
    )


def seed_views(image_ids: list[int] | None = None, *, count: int = 500, rng=None) -> int:
    """Give `count` demo images view counts in Redis, as if people had been looking at them: a
    long-tailed all-time ranking, and a share of the views in the daily rankings of the last
    week ("Today", "This week"). Returns how many images; 0 when Redis is unavailable."""
    if image_ids is None:
        image_ids = list(
            Image.objects.filter(user__in=demo_users()).order_by("id").values_list("id", flat=True)
        )
    rng = rng or random.Random(1)
    chosen = rng.sample(image_ids, min(count, len(image_ids)))
    today = ranking.today()
    days: dict[date, dict[int, int]] = {today - timedelta(days=n): {} for n in range(7)}
    totals = {}
    for rank, image_id in enumerate(chosen):
        totals[image_id] = int(5000 / math.pow(rank + 1, 0.8)) + rng.randint(0, 20)
        day = rng.choice(list(days))
        days[day][image_id] = max(1, totals[image_id] // rng.randint(5, 30))
    if not ranking.seed_views(totals=totals, days=days):
        return 0
    return len(chosen)
