import pytest
from django.contrib.contenttypes.models import ContentType

from account.services import follow_user
from bookmarks.social import Happening
from comments.services import add_comment
from images.services import like_image
from notifications.models import Notification, Preferences
from notifications.services import notify
from tests.factories import make_image, make_user

AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def ana(db):
    return make_user("ana", first_name="Ana")


@pytest.fixture
def sunset(user):
    return make_image(user, title="Sunset")


def test_a_like_notifies_the_owner_once(user, ana, sunset):
    like_image(user=ana, image_id=sunset.id, like=True)
    like_image(user=ana, image_id=sunset.id, like=False)
    like_image(user=ana, image_id=sunset.id, like=True)
    (n,) = Notification.objects.all()
    assert (n.recipient, n.kind, n.actor, n.target, n.actor_count) == (
        user,
        Happening.LIKED,
        ana,
        sunset,
        1,
    )


def test_many_likes_group_into_one_line(auth_client, user, ana, sunset):
    like_image(user=ana, image_id=sunset.id, like=True)
    for n in range(12):
        like_image(user=make_user(f"fan{n}"), image_id=sunset.id, like=True)
    like_image(user=make_user("last", first_name="Zoe"), image_id=sunset.id, like=True)
    (n,) = Notification.objects.all()
    assert n.actor_count == 14 and n.actor.first_name == "Zoe"
    html = auth_client.get("/notifications/").content.decode()
    assert "Zoe</strong> and 13 others liked <em>Sunset</em>" in html
    assert sunset.list_thumbnail.url in html


def test_a_read_group_is_not_reopened(auth_client, user, ana, sunset):
    like_image(user=ana, image_id=sunset.id, like=True)
    auth_client.get("/notifications/")  # marks it read
    like_image(user=make_user("ben"), image_id=sunset.id, like=True)
    assert Notification.objects.count() == 2
    assert Notification.objects.filter(read_at=None).count() == 1


def test_follow_comment_and_mention_each_notify_once(user, ana, sunset):
    carol = make_user("carol")
    follow_user(user_from=ana, user_to=user, follow=True)
    follow_user(user_from=ana, user_to=user, follow=True)
    add_comment(author=ana, image=sunset, body="Hi @carol and @alice")
    kinds = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == [
        ("alice", Happening.COMMENTED),
        ("alice", Happening.FOLLOWED),
        ("carol", Happening.MENTIONED),
    ]
    assert carol.notifications.get().target == sunset


def test_nothing_for_your_own_actions(user, sunset):
    like_image(user=user, image_id=sunset.id, like=True)
    add_comment(author=user, image=sunset, body="mine, @alice")
    assert not Notification.objects.exists()


def test_saved_to_a_board_is_a_hook_other_apps_call(user, ana, sunset):
    notify(Happening.SAVED, actor=ana, target=sunset)
    assert Notification.objects.get().kind == Happening.SAVED


def test_a_kind_turned_off_is_not_notified(auth_client, user, ana, sunset):
    response = auth_client.post(
        "/notifications/settings/", {"commented": "on", "followed": "on", "next": "/account/edit/"}
    )
    assert response.status_code == 302
    assert not Preferences.objects.get(user=user).liked
    like_image(user=ana, image_id=sunset.id, like=True)
    follow_user(user_from=ana, user_to=user, follow=True)
    assert list(Notification.objects.values_list("kind", flat=True)) == [Happening.FOLLOWED]


def test_profile_page_shows_the_settings(auth_client):
    html = auth_client.get("/account/edit/").content.decode()
    assert 'action="/notifications/settings/"' in html and "Likes of your images" in html


def test_fan_out_is_one_row_however_many_followers(user, sunset):
    star = make_user("star")
    ct = ContentType.objects.get_for_model(star)
    from account.models import Contact

    fans = [make_user(f"f{n}") for n in range(30)]
    Contact.objects.bulk_create([Contact(user_from=f, user_to=star) for f in fans])
    before = Notification.objects.count()
    like_image(user=star, image_id=sunset.id, like=True)
    assert Notification.objects.count() == before + 1
    assert Notification.objects.exclude(target_ct=ct).get().recipient == user


def test_unread_json_and_badge(auth_client, client, user, ana, sunset):
    assert auth_client.get("/notifications/unread/").json() == {"unread": 0}
    like_image(user=ana, image_id=sunset.id, like=True)
    follow_user(user_from=ana, user_to=user, follow=True)
    assert auth_client.get("/notifications/unread/").json() == {"unread": 2}
    badge = auth_client.get("/account/").content.decode()
    assert 'data-unread-count aria-hidden="true">2</span>' in badge
    client.logout()
    assert client.get("/notifications/unread/").status_code == 401


def test_opening_the_page_marks_what_it_shows_read(auth_client, user, ana, sunset):
    for n in range(25):
        notify(
            Happening.LIKED, actor=ana, target=make_image(ana, title=f"p{n}"), recipients=[user.pk]
        )
    auth_client.get("/notifications/")
    assert auth_client.get("/notifications/unread/").json() == {"unread": 5}
    more = auth_client.get("/notifications/", {"page": 2, "items_only": 1})
    assert more.content.count(b'<li class="notification') == 5
    assert auth_client.get("/notifications/unread/").json() == {"unread": 0}
    assert auth_client.get("/notifications/", {"page": 3, "items_only": 1}).content.strip() == b""


def test_mark_all_read(auth_client, user, ana, sunset):
    like_image(user=ana, image_id=sunset.id, like=True)
    assert auth_client.get("/notifications/read/").status_code == 405
    assert auth_client.post("/notifications/read/").status_code == 302
    assert auth_client.get("/notifications/unread/").json() == {"unread": 0}


def test_notifications_page_queries_are_fixed(auth_client, user, ana, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # One of each target type (images, people): a query per type, never per row.
    notify(Happening.LIKED, actor=ana, target=make_image(user), recipients=[user.pk])
    follow_user(user_from=ana, user_to=user, follow=True)
    with CaptureQueriesContext(connection) as one:
        auth_client.get("/notifications/")
    for n in range(18):
        person = make_user(f"q{n}")
        notify(Happening.LIKED, actor=person, target=make_image(user), recipients=[user.pk])
        follow_user(user_from=person, user_to=user, follow=True)
    with django_assert_num_queries(len(one.captured_queries)):
        response = auth_client.get("/notifications/")
    assert response.content.count(b'<li class="notification') == 20


def test_notifications_need_login(client):
    assert client.get("/notifications/").status_code == 302


def test_an_image_made_private_since_leaves_other_people_s_notifications(client, user, ana, sunset):
    """Carol was mentioned under Alice's picture; Alice then makes it private and renames it:
    Carol's page and the digest no longer show it (nor its new private address); the API's
    notifications are the same selector's pages."""
    from images.visibility import set_image_private
    from notifications.digest import send_digests

    carol = make_user("carol")
    Preferences.objects.create(user=carol, email_digest=True)
    add_comment(author=ana, image=sunset, body="Look @carol")
    client.force_login(carol)
    assert "Sunset" in client.get("/notifications/").content.decode()
    set_image_private(image=sunset, private=True)
    sunset.title = "Only mine now"
    sunset.save(update_fields=["title"])
    page = client.get("/notifications/").content.decode()
    assert "Only mine now" not in page and "/media/private/" not in page
    assert send_digests() == 0  # nothing left to tell Carol
    client.force_login(user)  # the owner still sees what happened on their picture
    assert "Only mine now" in client.get("/notifications/").content.decode()
