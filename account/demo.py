"""Demo data: users with avatars, pictures, likes, follows and activity, inserted in bulk.

Used by `manage.py seed_demo` (and `make demo`, `make bench`). Everything is drawn from one
`random.Random(seed)`, so the same sizes and seed give the same site.

Demo rows are recognised by their e-mail domain (`@demo.example.com`) and username (`demo0001`,
...). Their pictures are DEMO DATA SHARING FILES: a small pool of pictures is drawn once, stored
under `media/demo/` with its thumbnails, and thousands of Image rows point at the same file names
and thumbnails JSON. Deleting one demo image through the ORM (admin, shell) therefore deletes a
file other demo images still show, because images.signals.image_deleted removes the files of a
deleted image; `delete_demo_data` deletes demo rows without that signal and removes `demo/` as a
whole.
"""

import io
import logging
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from easy_thumbnails.models import Source
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

from actions.models import Action
from bookmarks.redis import REDIS_ERRORS, get_redis
from bookmarks.thumbnails import make_thumbnails
from images import ranking
from images.models import THUMBNAIL_ALIASES, Image
from images.signals import recount_likes

from .demo_boards import delete_demo_boards_and_tags, seed_boards_and_tags
from .models import Contact, Profile
from .services import AVATAR_ALIASES

logger = logging.getLogger(__name__)
User = get_user_model()

PASSWORD = "demo-password"
EMAIL_DOMAIN = "demo.example.com"
USERNAME_PREFIX = "demo"
FILES_DIR = "demo"  # under MEDIA_ROOT (or the bucket): every demo file, nothing else
BATCH_SIZE = 5000
HISTORY = timedelta(days=180)  # demo activity spreads over the last six months

FIRST_NAMES = (
    "Ada", "Amara", "Andrés", "Anna", "Aiko", "Ben", "Bianca", "Carlos", "Chen", "Chloé",
    "Daniel", "Divya", "Elena", "Emeka", "Emma", "Farah", "Felix", "Grace", "Hana", "Hugo",
    "Ines", "Ivan", "Jack", "Jonas", "Kai", "Kavya", "Lara", "Leo", "Lucía", "Maya", "Mateo",
    "Mei", "Mira", "Nadia", "Noah", "Olga", "Omar", "Priya", "Rafael", "Rosa", "Sam", "Sara",
    "Sofia", "Tariq", "Theo", "Valentina", "Wei", "Yara", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Alvarez", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Castro", "Chen",
    "Costa", "Dubois", "Eriksson", "Fischer", "García", "Gupta", "Haddad", "Hansen", "Ito",
    "Jensen", "Kim", "Kowalski", "Kumar", "Laurent", "Lee", "Lopez", "Martin", "Moreau",
    "Müller", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Park", "Patel", "Perez",
    "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor",
    "Wagner", "Wang", "Williams", "Wójcik", "Yilmaz",
)  # fmt: skip
ADJECTIVES = (
    "Amber", "Azure", "Bright", "Calm", "Coral", "Crimson", "Distant", "Dusky", "Emerald",
    "Faded", "Gentle", "Golden", "Hidden", "Icy", "Lonely", "Misty", "Quiet", "Rosy", "Silver",
    "Soft", "Still", "Sunny", "Teal", "Violet", "Wild",
)  # fmt: skip
SUBJECTS = (
    "dunes", "hills", "harbour", "meadow", "mountains", "lake", "skyline", "forest", "bay",
    "valley", "coast", "fields", "garden", "rooftops", "island", "river", "canyon", "shapes",
    "circles", "horizon",
)  # fmt: skip
MOMENTS = ("", "", " at dawn", " at dusk", " in spring", " in winter", " after rain", " at noon")
DESCRIPTIONS = (
    "",
    "",
    "Found this while browsing and had to keep it.",
    "The colours in this one are wonderful.",
    "Inspiration for the living-room wall.",
    "Saving for my mood board.",
    "Reminds me of last summer.",
)
PALETTES = (
    ((255, 183, 94), (237, 100, 166), (75, 43, 122), (255, 240, 200)),
    ((18, 52, 86), (52, 152, 219), (236, 240, 241), (241, 196, 15)),
    ((22, 160, 133), (39, 174, 96), (241, 196, 15), (44, 62, 80)),
    ((252, 92, 101), (253, 150, 68), (254, 211, 48), (38, 222, 129)),
    ((45, 52, 54), (99, 110, 114), (178, 190, 195), (223, 230, 233)),
    ((108, 92, 231), (162, 155, 254), (253, 121, 168), (255, 234, 167)),
    ((0, 48, 73), (214, 40, 40), (247, 127, 0), (252, 191, 73)),
    ((38, 70, 83), (42, 157, 143), (233, 196, 106), (231, 111, 81)),
)
PICTURE_SIZES = ((960, 640), (800, 600), (640, 800), (720, 720), (1024, 576))


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


class Progress:
    """A small progress bar on a stream (stderr): redrawn in place on a terminal, one line per
    10 % elsewhere (logs), silent when disabled."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())

    def step(self, label: str, total: int) -> "_Bar":
        return _Bar(self, label, total)


class _Bar:
    WIDTH = 30

    def __init__(self, progress: Progress, label: str, total: int):
        self.progress, self.label, self.total = progress, label, max(total, 1)
        self.done, self.started, self.last_draw, self.last_tenth = 0, time.monotonic(), 0.0, 0

    def __enter__(self):
        self._draw(force=True)
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.done = self.total
            self._draw(force=True, end=True)
        elif self.progress.enabled and self.progress.tty:
            self._write("\n")

    def add(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        self._draw()

    def _write(self, text: str) -> None:
        self.progress.stream.write(text)
        flush = getattr(self.progress.stream, "flush", None)
        if flush:
            flush()

    def _draw(self, force: bool = False, end: bool = False) -> None:
        if not self.progress.enabled:
            return
        fraction = self.done / self.total
        now = time.monotonic()
        filled = int(self.WIDTH * fraction)
        line = (
            f"{self.label:<9} [{'#' * filled}{'-' * (self.WIDTH - filled)}] {fraction:4.0%} "
            f"{self.done:>11,}/{self.total:,}  {now - self.started:6.1f}s"
        )
        if self.progress.tty:
            if force or now - self.last_draw >= 0.2:
                self.last_draw = now
                self._write("\r" + line + ("\n" if end else ""))
        else:
            tenth = int(fraction * 10)
            if end or tenth > self.last_tenth:
                self.last_tenth = 10 if end else tenth
                if end or tenth < 10:
                    self._write(line + "\n")


# --- Which rows are demo rows -----------------------------------------------------------------


def demo_users():
    return User.objects.filter(
        username__startswith=USERNAME_PREFIX, email__endswith="@" + EMAIL_DOMAIN
    )


def demo_username(index: int) -> str:
    return f"{USERNAME_PREFIX}{index + 1:04d}"


WELL_KNOWN_USERNAME = demo_username(0)


# --- Pictures ---------------------------------------------------------------------------------


def draw_picture(rng: random.Random, size: tuple[int, int]) -> bytes:
    """A JPEG: a two-colour gradient sky with a sun, layered hills or loose shapes on top."""
    width, height = size
    first, second, *accents = rng.sample(PALETTES[rng.randrange(len(PALETTES))], 4)
    mask = PILImage.linear_gradient("L")
    mask = rng.choice([mask, mask.transpose(PILImage.Transpose.ROTATE_90)]).resize(size)
    picture = PILImage.composite(
        PILImage.new("RGB", size, first), PILImage.new("RGB", size, second), mask
    ).convert("RGBA")
    layer = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    if rng.random() < 0.5:  # a landscape: sun and hills
        r = rng.randint(height // 10, height // 5)
        cx, cy = rng.randint(r, width - r), rng.randint(r, height // 2)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*accents[1], 230))
        for layer_no in range(3):
            base = height * (0.55 + 0.15 * layer_no)
            points = [(0, height)]
            for x in range(0, width + 80, 80):
                points.append((x, base - rng.randint(0, int(height * 0.18))))
            points.append((width, height))
            shade = tuple(int(c * (1 - 0.25 * layer_no)) for c in accents[0])
            draw.polygon(points, fill=(*shade, 255))
    else:  # loose shapes
        for _ in range(rng.randint(5, 12)):
            colour = (*rng.choice([*accents, first, second]), rng.randint(120, 220))
            x, y = rng.randrange(width), rng.randrange(height)
            s = rng.randint(min(size) // 10, min(size) // 3)
            kind = rng.random()
            if kind < 0.4:
                draw.ellipse((x - s, y - s, x + s, y + s), fill=colour)
            elif kind < 0.75:
                draw.rectangle((x - s, y - s // 2, x + s, y + s // 2), fill=colour)
            else:
                draw.polygon([(x, y - s), (x + s, y + s), (x - s, y + s)], fill=colour)
    picture = PILImage.alpha_composite(picture, layer.filter(ImageFilter.SMOOTH)).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def draw_avatar(rng: random.Random) -> bytes:
    """A JPEG portrait placeholder: a head and shoulders on a coloured disc."""
    palette = PALETTES[rng.randrange(len(PALETTES))]
    background, figure = rng.sample(palette, 2)
    avatar = PILImage.new("RGB", (256, 256), background)
    draw = ImageDraw.Draw(avatar)
    draw.ellipse((88, 48, 168, 128), fill=figure)
    draw.ellipse((48, 140, 208, 300), fill=figure)
    buffer = io.BytesIO()
    avatar.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _delete_files_under(directory: str) -> None:
    if not default_storage.exists(directory):
        return
    folders, files = default_storage.listdir(directory)
    for name in files:
        default_storage.delete(f"{directory}/{name}")
    for folder in folders:
        _delete_files_under(f"{directory}/{folder}")


def delete_demo_files() -> None:
    """Remove every demo picture, avatar and thumbnail, and easy-thumbnails' records of them."""
    _delete_files_under(FILES_DIR)
    Source.objects.filter(name__startswith=FILES_DIR + "/").delete()


def _store(name: str, content: bytes, fieldfile, aliases) -> tuple[str, dict]:
    # The storage itself, not fieldfile.save(): that would put it under the field's upload_to.
    fieldfile.name = fieldfile.storage.save(name, ContentFile(content))
    return fieldfile.name, make_thumbnails(fieldfile, aliases)


def store_pictures(rng: random.Random, count: int, bar=None) -> list[tuple[str, dict]]:
    """Draw `count` pictures; store each once with its list/detail thumbnails."""
    pool = []
    for n in range(count):
        content = draw_picture(rng, rng.choice(PICTURE_SIZES))
        pool.append(_store(f"{FILES_DIR}/pictures/picture-{n + 1:03d}.jpg", content,
                           Image().image, THUMBNAIL_ALIASES))  # fmt: skip
        if bar:
            bar.add(1)
    return pool


def store_avatars(rng: random.Random, count: int, bar=None) -> list[tuple[str, dict]]:
    pool = []
    for n in range(count):
        content = draw_avatar(rng)
        pool.append(_store(f"{FILES_DIR}/avatars/avatar-{n + 1:02d}.jpg", content,
                           Profile().photo, AVATAR_ALIASES))  # fmt: skip
        if bar:
            bar.add(1)
    return pool


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
                if not avatars or rng.random() < 0.2:
                    return Profile(user_id=user_ids[n])
                name, thumbnails = avatars[rng.randrange(len(avatars))]
                return Profile(user_id=user_ids[n], photo=name, photo_thumbnails=thumbnails)

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
            # Demo data: many rows share one stored picture and its thumbnails (see the top).
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
                return _action(user_ids[event], "has created an account", None, None, joined[event])
            event -= n_users
            if event < n_images:
                return _action(user_ids[owner_of[event]], "bookmarked image", image_ct,
                               image_ids[event], image_time[event])  # fmt: skip
            event -= n_images
            if event < len(follows):
                a, b = follows[event]
                return _action(user_ids[a], "is following", user_ct, user_ids[b],
                               follow_time[event])  # fmt: skip
            event -= len(follows)
            i, u = likes[event]
            return _action(user_ids[u], "likes", image_ct, image_ids[i], like_time[event])

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
    days = [ranking.day_key(today - timedelta(days=n)) for n in range(7)]
    try:
        redis = get_redis()
        for batch in _batches(enumerate(chosen), 1000):
            pipe = redis.pipeline(transaction=False)
            for rank, image_id in batch:
                views = int(5000 / math.pow(rank + 1, 0.8)) + rng.randint(0, 20)
                pipe.set(ranking.views_key(image_id), views)
                pipe.zadd(ranking.ranking_key(), {image_id: views})
                pipe.zadd(rng.choice(days), {image_id: max(1, views // rng.randint(5, 30))})
            for key in days:
                pipe.expire(key, ranking.DAY_TTL)
            pipe.execute()
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, demo images get no views: %s", error)
        return 0
    _forget_cached_rankings()
    return len(chosen)


def _forget_cached_rankings() -> None:
    cache.delete_many([ranking.ranking_cache_key(period) for period in ranking.PERIODS])


def _forget_views(image_ids: list[int]) -> None:
    """images.ranking.forget_image for many images, a thousand per round trip."""
    today = ranking.today()
    days = [today - timedelta(days=n) for n in range(ranking.DAY_TTL // 86400 + 1)]
    sorted_sets = [ranking.ranking_key()]
    sorted_sets += [key for day in days for key in (ranking.day_key(day), ranking.week_key(day))]
    try:
        redis = get_redis()
        for batch in _batches(image_ids, 1000):
            pipe = redis.pipeline(transaction=False)
            pipe.delete(*[ranking.views_key(image_id) for image_id in batch])
            pipe.delete(*[ranking.viewers_key(image_id) for image_id in batch])
            for key in sorted_sets:
                pipe.zrem(key, *batch)
            pipe.execute()
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable, demo images left in the ranking: %s", error)
    _forget_cached_rankings()


def _delete_without_signals(queryset) -> int:
    """One DELETE for the rows, without Django's per-row collector or post_delete signals: the
    rows that depend on them are deleted first, and demo files go as a whole afterwards."""
    model = queryset.model
    inner, params = queryset.order_by().values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} "
            f"IN ({inner})",
            params,
        )
        return cursor.rowcount


def delete_demo_data() -> int:
    """Delete every demo user with their images, likes, follows, actions and files; real users'
    rows that pointed at them (their likes of demo images, follows of demo users, actions about
    them) go too, and real images liked by demo users are recounted. Returns the users deleted."""
    users = demo_users()
    user_ids = users.values("id")
    demo_images = Image.objects.filter(user__in=user_ids)
    image_ids = list(demo_images.values_list("id", flat=True))
    Like = Image.users_like.through
    with transaction.atomic():
        image_ct = ContentType.objects.get_for_model(Image)
        user_ct = ContentType.objects.get_for_model(User)
        Action.objects.filter(user__in=user_ids).delete()
        Action.objects.filter(target_ct=image_ct, target_id__in=demo_images.values("id")).delete()
        Action.objects.filter(target_ct=user_ct, target_id__in=user_ids).delete()
        liked_elsewhere = list(
            Like.objects.filter(user__in=user_ids)
            .exclude(image__user__in=user_ids)
            .values_list("image_id", flat=True)
            .distinct()
        )
        Like.objects.filter(user__in=user_ids).delete()
        Like.objects.filter(image__user__in=user_ids).delete()
        recount_likes(liked_elsewhere)
        Contact.objects.filter(user_from__in=user_ids).delete()
        Contact.objects.filter(user_to__in=user_ids).delete()
        delete_demo_boards_and_tags(user_ids=user_ids, image_ids=demo_images.values("id"))
        _delete_without_signals(demo_images)
        Profile.objects.filter(user__in=user_ids).delete()
        deleted = users.count()
        users.delete()  # the ORM way: it finds any other app's rows that point at users
    delete_demo_files()
    _forget_views(image_ids)
    return deleted
