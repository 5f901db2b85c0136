"""The API's image search: the site's own (search.selectors.matching_images), so the query
language, the full-text index and the visibility rules are the same as on /search/."""

from search.query import parse
from search.selectors import matching_images

MAX_QUERY_LENGTH = 200


def search_images(images, query: str, *, viewer):
    """`images` (already limited to what `viewer` may see) that match `query`."""
    matched, _ = matching_images(images, parse(query), viewer=viewer)
    return matched
