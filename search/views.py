from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import selectors
from .query import Sort, parse

TYPES = ("images", "boards", "people")


def search(request):
    """/search/?q=&type=&sort=&page=: any input answers 200 (a page past the end included,
    as "No more results"); images_only=1 gives the grid items for infinite scroll."""
    raw = request.GET.get("q", "")[:1000]
    kind = request.GET.get("type") if request.GET.get("type") in TYPES else "images"
    sort = request.GET.get("sort") if request.GET.get("sort") in Sort.CHOICES else Sort.RELEVANCE
    number = request.GET.get("page", 1)
    query = parse(raw)
    if kind == "boards":
        page = selectors.search_boards(query, number, viewer=request.user)
    elif kind == "people":
        page = selectors.search_people(query, number)
    else:
        page = selectors.search_images(query, number, viewer=request.user, sort=sort)
    if request.GET.get("images_only"):
        template = "shared/_image_grid_items.html" if kind == "images" else "search/_items.html"
        return render(request, template, {"page": page, "kind": kind})
    keep = {"q": raw, "type": kind, "sort": sort}
    context = {
        "q": raw,
        "kind": kind,
        "sort": sort,
        "sorts": (
            ("relevance", _("Best match")),
            ("newest", _("Newest")),
            ("likes", _("Most liked")),
        ),
        "page": page,
        "past_the_end": page is None,
        "keep_query": urlencode({k: v for k, v in keep.items() if v}),
        "tabs": [(t, urlencode({"q": raw, "type": t})) for t in TYPES],
    }
    return render(request, "search/results.html", context)


def suggest(request):
    """{"people": [...], "tags": [...], "boards": [...]} for the search field's dropdown:
    each item {"label", "url", "detail"}."""
    raw = request.GET.get("q", "")[:100]
    return JsonResponse(selectors.suggest(raw, viewer=request.user))
