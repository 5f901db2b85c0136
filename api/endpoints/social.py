"""People and follows, the feed, notifications, tags and search."""

from ninja import Query, Router, Schema
from pydantic import Field

from account.forms import FollowForm
from account.selectors import active_user, dashboard_feed
from account.services import follow_user
from bookmarks import ratelimit
from bookmarks.http import Refused
from images.selectors import suggest_tags
from notifications.selectors import notifications_page
from notifications.services import mark_read

from .. import serialize
from ..auth import READ, WRITE
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, cursor_page, next_page_url
from ..problems import Problem
from ..schemas import FeedPage, FollowOut, ImagePage, MarkedRead, NotificationPage, UserOut
from ..schemas import Problem as ProblemOut
from ..search import MAX_QUERY_LENGTH, search_images
from ..selectors import images_for, person_or_404

router = Router()
ERRORS = {code: ProblemOut for code in (400, 401, 403, 404, 413, 422, 429)}


class PageNumber(Schema):
    page: int = Field(1, ge=1, le=100_000)


class TagQuery(Schema):
    q: str = Field("", max_length=50, description="The start of the tag")


class SearchQuery(Schema):
    q: str = Field(min_length=1, max_length=MAX_QUERY_LENGTH)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get(
    "users/{username}/",
    response={200: UserOut, **ERRORS},
    auth=READ,
    tags=["people"],
    url_name="user_detail",
)
def user_detail(request, username: str):
    person = person_or_404(username, viewer=request.user)
    person = active_user(person.username, viewer=request.user)
    return {
        **serialize.person(request, person),
        "followers": person.follower_count,
        "following": person.followed,
    }


def _follow(request, username: str, *, follow: bool):
    person = person_or_404(username, viewer=request.user)
    form = FollowForm(data={"id": person.pk, "action": "follow" if follow else "unfollow"})
    if not form.is_valid():
        raise Problem(404, "No such person.")
    ratelimit.hit("follow", str(request.user.pk))
    try:
        followers = follow_user(
            user_from=request.user, user_to=form.cleaned_data["id"], follow=follow
        )
    except Refused as refusal:
        raise Problem(422, str(refusal)) from None
    return {"following": follow, "followers": followers}


@router.post(
    "users/{username}/follow/",
    response={200: FollowOut, **ERRORS},
    auth=WRITE,
    tags=["people"],
    url_name="user_follow",
)
def follow(request, username: str):
    """Follow a person (idempotent)."""
    return _follow(request, username, follow=True)


@router.delete(
    "users/{username}/follow/",
    response={200: FollowOut, **ERRORS},
    auth=WRITE,
    tags=["people"],
    url_name="user_unfollow",
)
def unfollow(request, username: str):
    """Stop following a person (idempotent)."""
    return _follow(request, username, follow=False)


@router.get("feed/", response={200: FeedPage, **ERRORS}, auth=READ, tags=["feed"], url_name="feed")
def feed(request, query: Query[PageNumber]):
    """What the people you follow did, newest first (everyone's while you follow nobody): the
    dashboard's feed."""
    page, _ = dashboard_feed(request.user, page=query.page)
    if page is None:
        return {"items": [], "next": None}
    items = [serialize.feed_entry(request, entry) for entry in page.object_list]
    return {"items": items, "next": next_page_url(request, page)}


@router.get(
    "notifications/",
    response={200: NotificationPage, **ERRORS},
    auth=READ,
    tags=["notifications"],
    url_name="notifications",
)
def notifications(request, query: Query[PageNumber]):
    """Your notifications, newest first (reading them here does not mark them read)."""
    page = notifications_page(request.user, query.page)
    if page is None:
        return {"items": [], "next": None}
    items = [serialize.notification(request, line) for line in page.object_list]
    return {"items": items, "next": next_page_url(request, page)}


@router.post(
    "notifications/read/",
    response={200: MarkedRead, **ERRORS},
    auth=WRITE,
    tags=["notifications"],
    url_name="notifications_read",
)
def notifications_read(request):
    """Mark all your notifications read."""
    return {"marked": mark_read(user=request.user)}


@router.get("tags/", response={200: list[str], **ERRORS}, auth=READ, tags=["tags"], url_name="tags")
def tags(request, query: Query[TagQuery]):
    """Up to 10 tags starting with `q`: yours first, then the most used."""
    return suggest_tags(query.q.strip().lower(), user=request.user)


@router.get(
    "search/", response={200: ImagePage, **ERRORS}, auth=READ, tags=["search"], url_name="search"
)
def search(request, query: Query[SearchQuery]):
    """Images you may see that match `q`, in the site's search language (see /search/)."""
    if not query.q.strip():
        raise Problem(422, "Give some words to search for.")
    images = search_images(images_for(request.user), query.q, viewer=request.user)
    rows, next_url = cursor_page(request, images, cursor=query.cursor, limit=query.limit)
    return {"items": serialize.images(request, rows), "next": next_url}
