"""The site's settings plus a trivial view's URL, for `make bench` only (bench/run.py)."""

from bookmarks.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
