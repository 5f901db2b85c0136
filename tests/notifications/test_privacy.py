"""No notification from a person the recipient blocked, nor about an image the recipient may
not see (a private image is seen by its owner only), whichever path announces it."""

import contextlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from account.models import Contact, User
from account.services import follow_user
from blocks.models import Block
from bookmarks.http import Refused
from bookmarks.social import Happening
from comments.services import add_comment
from images.models import Image
from images.services import like_image
from notifications.models import Notification
from notifications.services import notify
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(db):
    return make_user("ana", first_name="Ana")


@pytest.fixture
def sunset(user):
    return make_image(user, title="Sunset")


def attempt(action):
    """Run `action`; the block may refuse it (Refused) or let it through: either way it must
    not notify."""
    with contextlib.suppress(Refused, Image.DoesNotExist):
        action()


def test_nothing_reaches_you_from_someone_you_blocked(user, ana, sunset):
    Block.objects.create(blocker=user, blocked=ana)
    attempt(lambda: like_image(user=ana, image_id=sunset.id, like=True))
    attempt(lambda: add_comment(author=ana, image=sunset, body="Hello @alice"))
    attempt(lambda: follow_user(user_from=ana, user_to=user, follow=True))
    for kind in Happening:
        assert notify(kind, actor=ana, target=sunset) == []
        assert notify(kind, actor=ana, target=user) == []
    assert not Notification.objects.exists()


def test_a_mention_does_not_reach_someone_who_blocked_the_author(user, ana, sunset):
    carol = make_user("carol")
    Block.objects.create(blocker=carol, blocked=ana)
    add_comment(author=ana, image=sunset, body="Look @carol and @alice")
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("alice", Happening.COMMENTED)
    ]


def test_mentions_on_a_private_image_notify_nobody_who_cannot_see_it(user, ana, sunset):
    Image.objects.filter(pk=sunset.pk).update(private=True)
    sunset.refresh_from_db()
    add_comment(author=user, image=sunset, body="Just for me, not @ana")
    like_image(user=user, image_id=sunset.id, like=True)  # its owner, the only one who sees it
    assert notify(Happening.MENTIONED, actor=user, target=sunset, recipients=[ana.pk]) == []
    assert notify(Happening.SAVED, actor=ana, target=sunset, recipients=[ana.pk]) == []
    assert not Notification.objects.exists()


def test_others_cannot_like_or_comment_a_private_image_so_nothing_is_told(
    client, user, ana, sunset
):
    Image.objects.filter(pk=sunset.pk).update(private=True)
    client.force_login(ana)
    ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    liked = client.post("/images/like/", {"id": sunset.id, "action": "like"}, **ajax)
    commented = client.post("/images/comment/", {"image": sunset.id, "body": "hi"}, **ajax)
    assert 400 <= liked.status_code < 500 and commented.status_code == 404
    assert not Notification.objects.exists() and not sunset.users_like.exists()


def test_a_person_with_ten_thousand_followers_liking_writes_one_notification_row(user, sunset):
    star = make_user("star")
    User.objects.bulk_create(
        [User(username=f"fan{n:05d}", email=f"fan{n:05d}@example.com") for n in range(10_000)]
    )
    fans = User.objects.filter(username__startswith="fan").values_list("pk", flat=True)
    Contact.objects.bulk_create([Contact(user_from_id=f, user_to=star) for f in fans])
    assert star.followers.count() == 10_000
    with CaptureQueriesContext(connection) as many:
        like_image(user=star, image_id=sunset.id, like=True)
    (row,) = Notification.objects.all()
    assert row.recipient == user and row.target == sunset
    assert row.target_ct == ContentType.objects.get_for_model(Image)
    # The same work as a like by someone nobody follows: nothing is done per follower.
    loner, other = make_user("loner"), make_image(user, title="Other")
    with CaptureQueriesContext(connection) as few:
        like_image(user=loner, image_id=other.id, like=True)
    assert len(many.captured_queries) == len(few.captured_queries)
