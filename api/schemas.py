"""The API's request and answer shapes (OpenAPI components). Request bodies forbid unknown
fields: a misspelt field is a 422, never silently dropped."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

MAX_ID = 2**63 - 1
# An id in a path: within what the databases store (a larger one reads as missing, a 422).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict] | None = None


class PersonOut(Schema):
    id: int
    username: str
    name: str
    web_url: str


class MeOut(PersonOut):
    email: str
    scope: str = Field(description="What this request may do: read, or write (read and write)")
    token_name: str | None = Field(None, description="The token's name; null for a session")


class ImageOut(Schema):
    id: int
    title: str
    description: str
    alt_text: str
    alt: str = Field(description="The text to use as <img alt>: the alt text, else the title")
    url: str = Field(description="The image file's original address (empty for uploads)")
    page_url: str = Field(description="The page the image was found on")
    status: str = Field(description="saving, ready or failed")
    failure: str = Field(description="Why saving failed (shown to the owner only)")
    private: bool
    created: datetime
    user: PersonOut
    file_url: str | None
    thumbnail_url: str | None
    detail_thumbnail_url: str | None
    total_likes: int
    tags: list[str]
    web_url: str
    status_url: str


class ImageDetailOut(ImageOut):
    liked: bool


class ImagePage(Schema):
    items: list[ImageOut]
    next: str | None = Field(description="The next page's address (cursor); null at the end")


class Queued(Schema):
    id: int
    status: str
    status_url: str
    image: ImageOut


class ImageCreateIn(In):
    url: str = Field(max_length=2000, description="The image file's address (http or https)")
    title: str = Field(min_length=1, max_length=200)
    page_url: str = Field("", max_length=2000)
    alt_text: str = Field("", max_length=300)
    description: str = Field("", max_length=5000)
    private: bool | None = Field(None, description="Default: your profile's setting")
    board: int | None = Field(None, description="One of your boards to put the image on")


class ImagePatchIn(In):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    alt_text: str | None = Field(None, max_length=300)
    tags: list[str] | None = Field(None, max_length=100)
    private: bool | None = None


class LikeOut(Schema):
    liked: bool
    likes: int


class FollowOut(Schema):
    following: bool
    followers: int


class UserOut(PersonOut):
    followers: int
    following: bool = Field(description="Whether you follow them")


class BoardOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    visibility: str
    owner: PersonOut
    entry_count: int
    cover_thumbnail_url: str | None
    created: datetime
    updated: datetime
    web_url: str


class BoardPage(Schema):
    items: list[BoardOut]
    next: str | None


class BoardIn(In):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)


class BoardPatchIn(In):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=2000)


class EntryIn(In):
    image: int = Field(ge=1, le=2**63 - 1)


class MoveIn(In):
    position: int = Field(ge=0, le=2**31, description="The new 0-based place on the board")


class EntryOut(Schema):
    board: int
    count: int
    added: bool | None = None


class FeedTarget(Schema):
    type: str
    label: str
    web_url: str
    thumbnail_url: str | None


class FeedItem(Schema):
    id: int
    actor: PersonOut
    verb: str
    created: datetime
    target: FeedTarget | None


class FeedPage(Schema):
    items: list[FeedItem]
    next: str | None


class NotificationOut(Schema):
    id: int
    actor: PersonOut
    others: int
    phrase: str
    target_title: str
    web_url: str
    thumbnail_url: str | None
    unread: bool
    when: datetime


class NotificationPage(Schema):
    items: list[NotificationOut]
    next: str | None


class MarkedRead(Schema):
    marked: int
