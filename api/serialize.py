"""Model rows as the API's answers (see schemas.py). Functions of rows already loaded: no
queries here, but the one for a page's tags in `images` (the selectors load the rest)."""

from django.urls import reverse


def absolute(request, url: str | None) -> str | None:
    """`url` (a path, or already absolute for media on another host) made absolute. The
    scheme and host are worked out once a request (an answer holds a hundred addresses)."""
    if not url:
        return None
    if url.startswith(("http://", "https://")):
        return url
    base = getattr(request, "_api_base", None)
    if base is None:
        base = request._api_base = request.build_absolute_uri("/").rstrip("/")
    return base + url if url.startswith("/") else request.build_absolute_uri(url)


def person(request, user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "web_url": absolute(request, user.get_absolute_url()),
    }


def status_url(request, image_id: int) -> str:
    return absolute(request, reverse("api-1:image_detail", args=[image_id])) or ""


def images(request, rows) -> list[dict]:
    """A page of images with their tags (one query for all the tags)."""
    from .selectors import tags_by_image

    tags = tags_by_image([row.pk for row in rows])
    return [image(request, row, tags=tags[row.pk]) for row in rows]


def image(request, image, *, tags: list[str]) -> dict:
    ready = image.is_ready and image.image
    own = request.user.is_authenticated and image.user_id == request.user.pk
    return {
        "id": image.pk,
        "title": image.title,
        "description": image.description,
        "alt_text": image.alt_text,
        "alt": image.alt,
        "url": image.url,
        "page_url": image.page_url,
        "status": image.status,
        "failure": image.failure if own else "",
        "private": image.private,
        "created": image.created,
        "user": person(request, image.user),
        "file_url": absolute(request, image.image.url) if ready else None,
        "thumbnail_url": absolute(request, image.list_thumbnail.url) if ready else None,
        "detail_thumbnail_url": absolute(request, image.detail_thumbnail.url) if ready else None,
        "total_likes": image.total_likes,
        "tags": tags,
        "web_url": absolute(request, image.get_absolute_url()),
        "status_url": status_url(request, image.pk),
    }


def board(request, board, *, count: int) -> dict:
    cover = board.cover
    cover_url = None
    if cover is not None and cover.is_ready and cover.image and cover.is_visible_to(request.user):
        cover_url = absolute(request, cover.list_thumbnail.url)
    return {
        "id": board.pk,
        "name": board.name,
        "slug": board.slug,
        "description": board.description,
        "visibility": board.visibility,
        "owner": person(request, board.owner),
        "entry_count": count,
        "cover_thumbnail_url": cover_url,
        "created": board.created,
        "updated": board.updated,
        "web_url": absolute(request, board.get_absolute_url()),
    }


def feed_entry(request, entry) -> dict:
    target = None
    if entry.target is not None:
        thumb = entry.target_thumb.url if entry.target_thumb is not None else None
        target = {
            "type": type(entry.target).__name__.lower(),
            "label": entry.target_label,
            "web_url": absolute(request, entry.target_url) or "",
            "thumbnail_url": absolute(request, thumb),
        }
    return {
        "id": entry.id,
        "actor": person(request, entry.actor),
        "verb": entry.verb,
        "created": entry.created,
        "target": target,
    }


def notification(request, line) -> dict:
    return {
        "id": line.id,
        "actor": person(request, line.actor),
        "others": line.others,
        "phrase": line.phrase,
        "target_title": line.target_title,
        "web_url": absolute(request, line.url) or "",
        "thumbnail_url": absolute(request, line.thumbnail_url),
        "unread": line.unread,
        "when": line.when,
    }
