"""Search reads: images, boards and people for a parsed query, each page one query, and the
suggestions under the search field. Visibility comes from the one place each kind has it:
Image.objects.visible_to and boards.selectors.visible_boards."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from boards.models import Board, BoardEntry
from boards.selectors import visible_boards
from bookmarks.paging import WindowPage, window_page
from images.models import Image, TaggedImage
from images.selectors import GRID_FIELDS as IMAGE_GRID_FIELDS
from images.selectors import IMAGES_PER_PAGE, suggest_tags

from .backends import PEOPLE_TEXT, backend, has_trigrams
from .highlight import highlight
from .query import Query, Sort

PER_PAGE = 24  # boards and people
SUGGESTIONS_EACH = 5
# The image list's grid columns, and its owner's.
GRID_FIELDS = (
    *IMAGE_GRID_FIELDS, "user__id", "user__username", "user__first_name",
    "user__last_name",
)  # fmt: skip
# Trigram similarity at which a name counts as a typo of the query (pg_trgm's default).
SIMILARITY = 0.3

User = get_user_model()


def search_images(query: Query, number, *, viewer=None, sort: str = Sort.RELEVANCE):
    """A page of the images `viewer` may see that match `query`, each with `title_html` (the
    title escaped, matched words marked). One query; None past the end."""
    images = _images(query, viewer=viewer, sort=sort)
    page = window_page(images, number, per_page=IMAGES_PER_PAGE)  # as the image list
    if page is not None:
        exact, prefix = query.highlight_terms()
        for image in page.object_list:
            image.title_html = highlight(image.title, exact, prefix)
    return page


def _images(query: Query, *, viewer, sort: str) -> QuerySet:
    images = Image.objects.visible_to(viewer).select_related("user").only(*GRID_FIELDS)
    images, rank = matching_images(images, query, viewer=viewer, ranked=sort == Sort.RELEVANCE)
    if sort == Sort.LIKES:
        return images.order_by("-total_likes", "-created", "-id")
    if sort == Sort.RELEVANCE and rank:
        return images.order_by(rank, "-created", "-id")
    return images.order_by("-created", "-id")


def matching_images(images: QuerySet, query: Query, *, viewer, ranked: bool = False):
    """`images` (already limited to what `viewer` may see) that match `query`, every operator
    applied, and the rank expression to order them by (None unless `ranked`). The one
    definition of a match, for the search page and the API."""
    if query.impossible:
        return images.none(), None
    images = images.filter(user__is_active=True)
    for tag in query.tags:
        images = images.filter(
            Exists(TaggedImage.objects.filter(content_object=OuterRef("pk"), tag__name=tag))
        )
    if query.board:
        boards = visible_boards(viewer).filter(slug=query.board, owner__is_active=True)
        if query.by:
            boards = boards.filter(owner__username=query.by)
        entries = BoardEntry.objects.filter(image=OuterRef("pk"), board__in=boards)
        images = images.filter(Exists(entries))
    elif query.by:
        images = images.filter(user__username=query.by)
    if query.mine or query.liked:
        if viewer is None or not viewer.is_authenticated:
            return images.none(), None
        if query.mine:
            images = images.filter(user=viewer)
        if query.liked:
            likes = Image.users_like.through.objects.filter(image=OuterRef("pk"), user=viewer)
            images = images.filter(Exists(likes))
    return backend().filter_images(images, query, ranked=ranked)


def search_boards(query: Query, number, *, viewer=None) -> WindowPage | None:
    """A page of the boards `viewer` may see whose name or description holds every word
    (by: keeps one person's), recently updated first. One query; None past the end."""
    boards = (
        visible_boards(viewer)
        .filter(owner__is_active=True)
        .select_related("owner", "cover")
        .order_by("-updated", "-id")
    )
    for word in query.text_words():
        boards = boards.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if query.by:
        boards = boards.filter(owner__username=query.by)
    if query.mine:
        if viewer is None or not viewer.is_authenticated:
            return window_page(Board.objects.none(), number, per_page=PER_PAGE)
        boards = boards.filter(owner=viewer)
    return window_page(boards, number, per_page=PER_PAGE)


def _people(query: Query) -> QuerySet:
    words = query.text_words()
    people = User.objects.filter(is_active=True).select_related("profile")
    if query.by:
        words = [*words, query.by.lower()]
    if not words:
        return people.none()
    prefix = Q()
    for word in words:
        prefix &= (
            Q(username__istartswith=word)
            | Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
        )
    if not has_trigrams():
        return people.filter(prefix).order_by("username")
    # PostgreSQL with pg_trgm: typos are forgiven (trigram similarity to the whole name).
    text = " ".join(words)
    # A subquery of its own (the trigram index answers it): written as Django's subqueries
    # are, its table would be U0 and PEOPLE_TEXT would name the outer row, one check per person.
    similar = RawSQL(f"SELECT id FROM account_user WHERE {PEOPLE_TEXT} %%> %s", [text])
    return (
        people.filter(prefix | Q(pk__in=similar))
        .extra(
            select={"similarity": f"word_similarity(%s, {PEOPLE_TEXT})"},
            select_params=[text],
        )
        .order_by("-similarity", "username")
    )


def search_people(query: Query, number) -> WindowPage | None:
    """A page of active people whose username or name starts with every word (on PostgreSQL
    with pg_trgm, also those whose name is close to it). One query; None past the end."""
    return window_page(_people(query), number, per_page=PER_PAGE)


@dataclass
class Suggestion:
    label: str
    url: str
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url, "detail": self.detail}


def suggest(text: str, *, viewer=None) -> dict[str, list[dict[str, str]]]:
    """Up to 5 people, tags and boards for what is being typed (its last word a prefix).
    Three or four small queries, none when there is nothing to look for."""
    from .query import parse, tokens

    empty: dict[str, list[dict[str, str]]] = {"people": [], "tags": [], "boards": []}
    stripped = text.strip().lstrip("#@")
    words = tokens(stripped)
    if not words:
        return empty
    query = parse(stripped)
    query.by = None
    query.mine = False
    people = [
        Suggestion(p.display_name, p.get_absolute_url(), "@" + p.username)
        for p in _people(query)[:SUGGESTIONS_EACH]
    ]
    tag_prefix = stripped.lower() if len(words) == 1 else ""
    tags = [
        Suggestion("#" + name, reverse("search:results") + "?" + urlencode({"q": "#" + name}))
        for name in (
            suggest_tags(tag_prefix, user=viewer, limit=SUGGESTIONS_EACH) if tag_prefix else []
        )
    ]
    boards_found = visible_boards(viewer).filter(owner__is_active=True).select_related("owner")
    for word in words:
        boards_found = boards_found.filter(name__icontains=word)
    boards = [
        Suggestion(b.name, b.get_absolute_url(), _("by %(name)s") % {"name": b.owner.display_name})
        for b in boards_found.order_by("-updated", "-id")[:SUGGESTIONS_EACH]
    ]
    return {
        "people": [s.as_dict() for s in people],
        "tags": [s.as_dict() for s in tags],
        "boards": [s.as_dict() for s in boards],
    }
