"""The site's settings plus a trivial view's URL, for `make bench` only (bench/run.py)."""

from bookmarks.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# wrk sends thousands of API requests a second with one token: the per-token limit (300 a
# minute) would answer 429s, not pages. The limit's Redis round trip is still made and measured.
RATE_LIMITS = {"api": (10**9, 60)}
