"""Where a page's Python time goes: cProfile over Django's test Client, against a bench database.

    .venv/bin/python -m bench.profile [small|medium|large] [page name ...]

Uses the database `make bench` seeded for that size (see bench/run.py) and its settings, logs in
as demo0001 (the login page is fetched without cookies), warms every page up, then profiles
BENCH_PROFILE_N (default 30) requests of each page. It prints, per page, the CPU milliseconds
per request and the share of it spent in a few places we care about (inclusive times, so they
overlap: an {% include %} contains template rendering and URL reversing), then the functions
with the most time of their own. stdlib only (cProfile, pstats).
"""

import cProfile
import io
import os
import pstats
import sys
import time

from bench.run import HOST, PAGES, TMP, USERNAME, Size, django_env, manage

SIZES = {
    "small": Size("small", "bookmarks_bench", 100, 1000, 1000, False),
    "medium": Size("large", "bookmarks_bench_medium", 2000, 20000, 200000, True),
    "large": Size("large", "bookmarks_bench_large", 10000, 100000, 1000000, True),
}

# (label, "module:qualified.name"): inclusive time of these functions.
PLACES = [
    ("templates", "django.template.base:Template.render"),
    ("{% include %}", "django.template.loader_tags:IncludeNode.render"),
    ("url reversing", "django.urls.base:reverse"),
    ("humanize", "django.contrib.humanize.templatetags.humanize:naturaltime"),
    ("SQL (cursor.execute)", "django.db.backends.utils:CursorWrapper.execute"),
    ("ORM (fetch rows)", "django.db.models.query:QuerySet._fetch_all"),
    ("session load", "django.contrib.sessions.backends.base:SessionBase._get_session"),
    ("request.user", "django.contrib.auth.middleware:get_user"),
    ("csrf token", "django.middleware.csrf:get_token"),
    ("storage .url()", "django.core.files.storage.filesystem:FileSystemStorage.url"),
    ("{% static %}", "django.templatetags.static:StaticNode.handle_simple"),
]
# (label, "module:qualified.name"): how many times these run per request (deterministic).
COUNTED = [
    ("reverse()", "django.urls.base:reverse"),
    ("{% include %}", "django.template.loader_tags:IncludeNode.render"),
    ("queries", "django.db.backends.utils:CursorWrapper.execute"),
    ("model instances", "django.db.models.base:Model.__init__"),
    ("variable lookups", "django.template.base:Variable._resolve_lookup"),
]


def _code(target: str):
    import importlib

    module, _, qualname = target.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    obj = getattr(obj, "__func__", obj)
    while hasattr(obj, "__wrapped__"):
        obj = obj.__wrapped__
    code = obj.__code__
    return code.co_filename, code.co_firstlineno, code.co_name


def places(stats: pstats.Stats, requests: int) -> dict[str, float]:
    """Inclusive ms per request of each PLACE (cProfile's cumulative time, which counts a
    recursive call once). They overlap: an {% include %} holds reversing and ORM work."""
    found = {}
    for label, target in PLACES:
        entry = stats.stats.get(_code(target))
        found[label] = entry[3] * 1000 / requests if entry else 0.0
    return found


def counts(stats: pstats.Stats, requests: int) -> dict[str, float]:
    found = {}
    for label, target in COUNTED:
        entry = stats.stats.get(_code(target))
        found[label] = entry[1] / requests if entry else 0.0  # primitive + recursive calls
    return found


def profile_page(client, url: str, requests: int):
    profiler = cProfile.Profile()
    cpu = time.process_time()
    profiler.enable()
    for _ in range(requests):
        response = client.get(url)
    profiler.disable()
    cpu = (time.process_time() - cpu) * 1000 / requests
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return cpu, pstats.Stats(profiler)


def main() -> None:
    args = sys.argv[1:]
    size = SIZES[args.pop(0)] if args and args[0] in SIZES else SIZES["small"]
    wanted = set(args)
    if not (TMP / "static" / "staticfiles.json").exists():
        manage(size, "collectstatic", "--noinput", "-v", "0")
    os.environ.update(django_env(size))
    requests = int(os.environ.get("BENCH_PROFILE_N") or 30)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from images.models import Image

    detail = Image.objects.order_by("-total_likes", "id").first().get_absolute_url()
    anonymous = Client(HTTP_HOST=HOST)
    client = Client(HTTP_HOST=HOST)
    client.force_login(get_user_model().objects.get(username=USERNAME))
    print(f"# cProfile, {size.database}, {requests} requests per page, ms per request\n")
    for name, path in PAGES:
        if wanted and name not in wanted:
            continue
        url = path.format(detail=detail, user=USERNAME)
        who = anonymous if name == "login page" else client
        for _ in range(3):
            who.get(url)
        cpu, stats = profile_page(who, url, requests)
        found = places(stats, requests)
        summary = ", ".join(f"{label} {ms:.2f}" for label, ms in found.items() if ms >= 0.05)
        summary += "\n\nper request: " + ", ".join(
            f"{n:g} {label}" for label, n in counts(stats, requests).items()
        )
        calls = stats.total_calls / requests  # deterministic, unlike times on a busy machine
        print(
            f"## {name} ({url}): {cpu:.2f} ms CPU under the profiler, "
            f"{calls:,.0f} Python function calls per request\n\n{summary}\n"
        )
        out = io.StringIO()
        stats.stream = out
        stats.strip_dirs().sort_stats("tottime").print_stats(12)
        body = out.getvalue()
        body = body[body.find("   ncalls") :]
        print("```\n" + body.rstrip() + "\n```\n")


if __name__ == "__main__":
    main()
