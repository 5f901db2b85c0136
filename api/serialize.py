"""Model rows as the API's answers (see schemas.py). Pure functions of rows already loaded:
no queries here (the selectors load what these read)."""

from django.urls import reverse


def absolute(request, url: str | None) -> str | None:
    if not url:
        return None
    return request.build_absolute_uri(url)


def person(request, user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "web_url": absolute(request, user.get_absolute_url()),
    }


def status_url(request, image_id: int) -> str:
    return request.build_absolute_uri(reverse("api-1:image_detail", args=[image_id]))


def image(request, image, *, tags: list[str] | None = None) -> dict:
    """`tags` given, or read from a prefetch of `tags` (image_list's queryset has it)."""
    if tags is None:
        tags = sorted(tag.name for tag in image.tags.all())
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
