"""Images: list (cursor pages, filters), detail, create from a URL (queued: 202) or from an
upload, change, delete; and likes. The same forms and services as the site's pages, so the
same validation, limits and rules."""

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from account.services import ensure_profile
from boards.services import BoardError, save_to_board
from bookmarks import ratelimit
from bookmarks.imaging import ImageError
from images.editing import delete_image, update_image
from images.fetch import FetchError
from images.forms import ImageCreateForm, ImageEditForm, LikeForm
from images.models import Image
from images.services import (
    AlreadyBookmarked,
    StoreError,
    bookmark_image,
    like_image,
    queue_bookmark,
)
from images.views import BUSY_BOOKMARKING

from .. import serialize
from ..auth import READ, WRITE
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, cursor_page
from ..problems import Problem, form_errors
from ..schemas import (
    Id,
    ImageCreateIn,
    ImageDetailOut,
    ImageOut,
    ImagePage,
    ImagePatchIn,
    LikeOut,
    Queued,
)
from ..schemas import Problem as ProblemOut
from ..selectors import filtered_images, image_or_404, own_image_or_404

router = Router(tags=["images"])
ERRORS = {code: ProblemOut for code in (400, 401, 403, 404, 409, 413, 422, 429)}


class ImageFilters(Schema):
    mine: bool = Field(False, description="Only your own images")
    user: str | None = Field(None, max_length=150, description="Only this person's (username)")
    tag: str | None = Field(None, max_length=100, description="Only images with this tag")
    board: int | None = Field(None, ge=1, le=2**63 - 1, description="Only images on this board")
    cursor: str | None = Field(None, max_length=200, description="From a previous page's `next`")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("", response={200: ImagePage, **ERRORS}, auth=READ, url_name="image_list")
def list_images(request, filters: Query[ImageFilters]):
    """Images you may see, newest first: everyone's public ones and all of your own."""
    images = filtered_images(
        request.user, mine=filters.mine, user=filters.user, tag=filters.tag, board=filters.board
    )
    rows, next_url = cursor_page(request, images, cursor=filters.cursor, limit=filters.limit)
    return {"items": serialize.images(request, rows), "next": next_url}


@contextmanager
def _bookmarking(request) -> Iterator[None]:
    """The bookmark form's limits: one at a time per person, `bookmark` per 10 minutes."""
    key = str(request.user.pk)
    with ratelimit.one_at_a_time("bookmark", key, ttl=60, message=BUSY_BOOKMARKING):
        ratelimit.hit("bookmark", key)
        yield


def _check_board(user, board_id: int | None) -> None:
    from boards.models import Board

    if board_id is not None and not Board.objects.filter(pk=board_id, owner=user).exists():
        raise Problem(
            422,
            "No such board of yours.",
            errors=[{"field": "board", "message": "No such board of yours."}],
        )


def _put_on_board(request, image: Image, board: int | None) -> None:
    if board is not None:
        # Checked before the bookmark was made; should it fail now, the image stays.
        with suppress(BoardError):
            save_to_board(user=request.user, image_id=image.pk, board_id=board)


@router.post("", response={202: Queued, **ERRORS}, auth=WRITE, url_name="image_create")
def create_image(request, payload: ImageCreateIn):
    """Bookmark the image at `url`: answered at once (202) while a background job downloads
    it; follow `status_url` until `status` is `ready` (or `failed`, with the reason)."""
    form = ImageCreateForm(
        data={
            "url": payload.url,
            "title": payload.title,
            "page_url": payload.page_url,
            "alt_text": payload.alt_text,
            "description": payload.description,
        }
    )
    if not form.is_valid():
        raise Problem(422, _first(form), errors=form_errors(form))
    _check_board(request.user, payload.board)
    data = form.cleaned_data
    private = payload.private if payload.private is not None else _default_private(request)
    with _bookmarking(request):
        try:
            image = queue_bookmark(
                user=request.user,
                title=data["title"],
                url=data["url"],
                description=data["description"],
                alt_text=data["alt_text"],
                page_url=data["page_url"],
                private=private,
            )
        except AlreadyBookmarked as already:
            raise Problem(
                409,
                f"You bookmarked this image already (image {already.image.pk}).",
                headers={"Location": serialize.status_url(request, already.image.pk)},
            ) from None
    _put_on_board(request, image, payload.board)
    image.refresh_from_db()  # a job run without a queue may be done already
    url = serialize.status_url(request, image.pk)
    body = {"id": image.pk, "status": image.status, "status_url": url}
    body["image"] = serialize.image(request, image, tags=[])
    return Status(202, body)


def _default_private(request) -> bool:
    return ensure_profile(request.user).private_by_default


def _first(form) -> str:
    for name, messages in form.errors.items():
        return messages[0] if name == "__all__" else f"{name}: {messages[0]}"
    return "Invalid request."


@router.post("upload/", response={201: ImageOut, **ERRORS}, auth=WRITE, url_name="image_upload")
def upload_image(
    request,
    image: File[UploadedFile],
    title: Form[str],
    description: Form[str] = "",
    alt_text: Form[str] = "",
    page_url: Form[str] = "",
    private: Form[bool | None] = None,
    board: Form[int | None] = None,
):
    """Upload a picture (multipart/form-data, the file in `image`): checked and thumbnailed
    as the site's upload form does (JPEG, PNG, GIF or WebP, at most 10 MB)."""
    form = ImageCreateForm(
        data={
            "title": title,
            "description": description,
            "alt_text": alt_text,
            "page_url": page_url,
        },
        files={"image": image},
    )
    if not form.is_valid():
        raise Problem(422, _first(form), errors=form_errors(form))
    _check_board(request.user, board)
    data = form.cleaned_data
    with _bookmarking(request):
        try:
            created = bookmark_image(
                user=request.user,
                title=data["title"],
                upload=data["image"],
                description=data["description"],
                alt_text=data["alt_text"],
                page_url=data["page_url"],
                private=private if private is not None else _default_private(request),
            )
        except (FetchError, ImageError) as error:
            raise Problem(
                422, error.message, errors=[{"field": "image", "message": error.message}]
            ) from None
        except StoreError as error:
            raise Problem(503, str(error)) from None
    _put_on_board(request, created, board)
    return Status(201, serialize.image(request, created, tags=[]))


@router.get(
    "{int:image_id}/", response={200: ImageDetailOut, **ERRORS}, auth=READ, url_name="image_detail"
)
def image_detail(request, image_id: Id):
    """One image, with `status` (saving, ready or failed) and whether you like it."""
    image = image_or_404(image_id, viewer=request.user)
    tags = sorted(image.tags.values_list("name", flat=True))
    return {**serialize.image(request, image, tags=tags), "liked": image.liked}


@router.patch(
    "{int:image_id}/", response={200: ImageOut, **ERRORS}, auth=WRITE, url_name="image_update"
)
def update(request, image_id: Id, payload: ImagePatchIn):
    """Change your image's title, description, alt text, tags (the whole list) or privacy."""
    image = own_image_or_404(image_id, user=request.user)
    current = sorted(image.tags.values_list("name", flat=True))
    tags = payload.tags if payload.tags is not None else current
    form = ImageEditForm(
        data={
            "title": payload.title if payload.title is not None else image.title,
            "description": payload.description
            if payload.description is not None
            else image.description,
            "alt_text": payload.alt_text if payload.alt_text is not None else image.alt_text,
            "tags": ", ".join(tags),
        },
        instance=image,
    )
    if not form.is_valid():
        raise Problem(422, _first(form), errors=form_errors(form))
    # As the site's edit form: making it private moves its files, hides its actions and
    # takes it out of the rankings (images.visibility), never just the flag.
    fields = {k: form.cleaned_data[k] for k in ("title", "description", "alt_text", "tags")}
    image = update_image(image=image, **fields, private=payload.private)
    return serialize.image(request, image, tags=sorted(form.cleaned_data["tags"]))


@router.delete(
    "{int:image_id}/", response={204: None, **ERRORS}, auth=WRITE, url_name="image_delete"
)
def delete(request, image_id: Id):
    """Delete your image (its files, likes, tags and board entries go with it)."""
    delete_image(image=own_image_or_404(image_id, user=request.user))
    return Status(204, None)


def _like(request, image_id: Id, *, like: bool):
    form = LikeForm(data={"id": image_id, "action": "like" if like else "unlike"})
    if not form.is_valid():
        raise Problem(404, "No such image.")
    image = form.cleaned_data["id"]
    from bookmarks.privacy import blocks

    owner_id = Image.objects.values_list("user_id", flat=True).get(pk=image.pk)
    if blocks(owner_id, request.user.pk):
        raise Problem(404, "No such image.")
    ratelimit.hit("like", str(request.user.pk))
    return {"liked": like, "likes": like_image(user=request.user, image_id=image.pk, like=like)}


@router.post(
    "{int:image_id}/like/", response={200: LikeOut, **ERRORS}, auth=WRITE, url_name="image_like"
)
def like(request, image_id: Id):
    """Like an image (idempotent)."""
    return _like(request, image_id, like=True)


@router.delete(
    "{int:image_id}/like/", response={200: LikeOut, **ERRORS}, auth=WRITE, url_name="image_unlike"
)
def unlike(request, image_id: Id):
    """Stop liking an image (idempotent)."""
    return _like(request, image_id, like=False)
