"""The People list and a person's page: follow buttons, latest images, bio, follower and
following counts and lists, the Likes tab, empty states."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from account.models import BIO_MAX_LENGTH, Contact
from images.models import Image
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def person_row(page: str, username: str) -> str:
    """The People list's row of `username`."""
    (row,) = [r for r in page.split('<li class="person card">') if f"@{username} " in r]
    return row


def test_people_list_has_a_follow_button_per_person_but_not_for_me(auth_client, user, other_user):
    carol = make_user("carol")
    Contact.objects.create(user_from=user, user_to=carol)
    page = auth_client.get(reverse("user_list")).content.decode()
    bob = person_row(page, "bob")
    assert f'name="id" value="{other_user.id}"' in bob and 'value="follow"' in bob
    assert ">Follow</button>" in bob and "data-ajax-toggle" in bob
    assert 'value="unfollow"' in person_row(page, "carol")
    assert ">1</span>" in person_row(page, "carol")  # her follower count
    me = person_row(page, "alice")
    assert "<form" not in me and ">You</span>" in me


def test_following_from_the_people_list_without_javascript_comes_back_to_it(
    auth_client, other_user
):
    url = reverse("user_list") + "?page=1"
    response = auth_client.post(
        reverse("user_follow"), {"id": other_user.id, "action": "follow", "next": url}
    )
    assert response.status_code == 302 and response.url == url
    assert Contact.objects.filter(user_to=other_user).count() == 1
    page = auth_client.get(url).content.decode()
    assert 'value="unfollow"' in person_row(page, "bob")


def test_people_list_shows_each_persons_four_latest_images_they_may_see(
    auth_client, user, other_user
):
    for n in range(6):
        make_image(other_user, title=f"Bob {n}")
    secret = make_image(other_user, title="Bob's secret")
    Image.objects.filter(pk=secret.pk).update(private=True)
    mine = make_image(user, title="My private one")
    Image.objects.filter(pk=mine.pk).update(private=True)
    page = auth_client.get(reverse("user_list")).content.decode()
    bob = person_row(page, "bob")
    assert [f'alt="Bob {n}"' in bob for n in range(6)] == [False, False, True, True, True, True]
    assert bob.index('alt="Bob 5"') < bob.index('alt="Bob 2"')  # newest first
    assert "secret" not in bob
    assert 'alt="My private one"' in person_row(page, "alice")  # my own private image: to me
    make_user("carol")
    assert "No images yet." in person_row(
        auth_client.get(reverse("user_list")).content.decode(), "carol"
    )


def test_people_list_queries_are_fixed_with_one_or_many_people_and_images(auth_client, user):
    url = reverse("user_list")
    first = make_user("aaron")
    make_image(first)
    one, _ = count_queries(auth_client, url)
    for n in range(23):
        someone = make_user(f"member{n:02d}")
        for k in range(3):
            make_image(someone, title=f"m{n}-{k}")
        Contact.objects.create(user_from=user, user_to=someone)
    many, page = count_queries(auth_client, url)
    assert page.count('<li class="person card">') == 24
    assert page.count('alt="m5-') == 3
    assert many == one == 4  # user, page of people (counts, followed?), their images, badge


def test_bio_is_editable_escaped_and_kept_to_its_limit(auth_client, user):
    base = {"first_name": "Alice", "last_name": ""}
    bio = "Painter <script>alert(1)</script>\nLikes <b>cats</b>"
    response = auth_client.post(reverse("edit"), {**base, "bio": bio})
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.bio == bio.replace("\n", "\r\n") or user.profile.bio == bio
    page = auth_client.get(user.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Likes &lt;b&gt;cats&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>cats" not in page
    too_long = auth_client.post(reverse("edit"), {**base, "bio": "x" * (BIO_MAX_LENGTH + 1)})
    assert too_long.status_code == 400
    assert f"at most {BIO_MAX_LENGTH} characters" in too_long.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.bio.startswith("Painter")  # nothing half-saved
    form = auth_client.get(reverse("edit")).content.decode()
    assert f'maxlength="{BIO_MAX_LENGTH}"' in form


def test_a_persons_page_shows_follower_and_following_counts_with_links(
    auth_client, user, other_user
):
    for name in ("carol", "dave"):
        Contact.objects.create(user_from=make_user(name), user_to=other_user)
    Contact.objects.create(user_from=other_user, user_to=user)
    ghost = make_user("ghost")
    Contact.objects.create(user_from=ghost, user_to=other_user)
    Contact.objects.create(user_from=other_user, user_to=ghost)
    ghost.is_active = False
    ghost.save()
    response = auth_client.get(other_user.get_absolute_url())
    page = response.content.decode()
    person = response.context["person"]
    assert (person.follower_count, person.following_count) == (2, 1)  # the inactive not counted
    assert f'href="{reverse("user_followers", args=["bob"])}"><strong' in page
    assert f'>2</strong> <span data-followers-label="{other_user.id}"' in page
    assert f'href="{reverse("user_following", args=["bob"])}"><strong>1</strong> following' in page


def test_followers_and_following_lists_newest_first_paginated(auth_client, user, other_user):
    names = [f"fan{n:02d}" for n in range(26)]
    for name in names:
        Contact.objects.create(user_from=make_user(name), user_to=other_user)
    Contact.objects.create(user_from=other_user, user_to=user)
    url = reverse("user_followers", args=["bob"])
    first = auth_client.get(url).content.decode()
    assert first.count('<li class="person card">') == 24
    assert first.index("@fan25 ") < first.index("@fan24 ")  # the newest follow first
    assert "@fan01 " not in first and 'href="?page=2"' in first
    second = auth_client.get(url, {"page": 2}).content.decode()
    assert "@fan01 " in second and "@fan00 " in second and "@fan25 " not in second
    assert auth_client.get(url, {"page": 3}).status_code == 404
    following = auth_client.get(reverse("user_following", args=["bob"])).content.decode()
    assert following.count('<li class="person card">') == 1 and "@alice " in following
    assert 'aria-current="page">Following</a>' in following


def test_follow_lists_queries_are_fixed(auth_client, user, other_user):
    url = reverse("user_followers", args=["bob"])
    fan = make_user("fan")
    make_image(fan)
    Contact.objects.create(user_from=fan, user_to=other_user)
    one, _ = count_queries(auth_client, url)
    for n in range(30):
        someone = make_user(f"f{n}")
        make_image(someone)
        Contact.objects.create(user_from=someone, user_to=other_user)
        Contact.objects.create(user_from=user, user_to=someone)
    many, page = count_queries(auth_client, url)
    assert page.count('<li class="person card">') == 24
    assert many == one == 6  # user, person, page of follows, the people, their images, badge


def test_likes_tab_shows_what_they_liked_that_i_may_see(client, user, other_user):
    carol = make_user("carol")
    public = make_image(carol, title="Public sunset")
    hidden = make_image(carol, title="Carol's private")
    older = make_image(carol, title="Liked first")
    older.users_like.add(other_user)
    public.users_like.add(other_user)
    hidden.users_like.add(other_user)
    Image.objects.filter(pk=hidden.pk).update(private=True)
    url = reverse("user_likes", args=["bob"])
    client.force_login(user)
    page = client.get(url).content.decode()
    assert "Public sunset" in page and "Liked first" in page and "private" not in page
    assert page.index("Public sunset") < page.index("Liked first")  # the latest like first
    assert 'aria-current="page">Likes</a>' in page
    client.force_login(carol)
    assert "Carol&#x27;s private" in client.get(url).content.decode()  # its owner sees it


def test_likes_tab_scrolls_and_its_queries_are_fixed(auth_client, other_user):
    url = reverse("user_likes", args=["bob"])
    make_image(other_user).users_like.add(other_user)
    one, _ = count_queries(auth_client, url)
    for n in range(12):
        make_image(make_user(f"u{n}"), title=f"Liked {n}").users_like.add(other_user)
    many, page = count_queries(auth_client, url)
    assert many == one == 5  # user, person, page of likes, their images, badge
    assert 'data-next-page="2"' in page and f'data-more-url="{url}"' in page
    more = auth_client.get(url, {"page": 2, "images_only": 1}).content.decode()
    assert "Liked 3" in more and "Liked 4" not in more
    assert auth_client.get(url, {"page": 3, "images_only": 1}).content.strip() == b""


def test_empty_lists_say_so_with_a_next_step(auth_client, user, other_user):
    def page(name, *args):
        return auth_client.get(reverse(name, args=args)).content.decode()

    assert "Nobody follows you yet" in page("user_followers", "alice")
    assert "You don't follow anyone yet" in page("user_following", "alice")
    assert f'href="{reverse("user_list")}">Find people to follow' in page("user_following", "alice")
    assert "Nobody follows Bob yet" in page("user_followers", "bob")
    assert "Bob doesn't follow anyone yet" in page("user_following", "bob")
    assert "You haven't liked any image yet" in page("user_likes", "alice")
    assert "No liked images to show." in page("user_likes", "bob")
    assert "No boards yet." in page("user_boards", "bob")
    assert "No images have this tag yet." in page("images:tag", "nothing-here")
    other_user.is_active = False
    other_user.save()
    assert "Nobody else is here yet" in page("user_list")


@pytest.mark.parametrize("name", ["user_likes", "user_followers", "user_following"])
def test_tabs_of_unknown_people_are_404_and_need_a_login(client, auth_client, other_user, name):
    assert auth_client.get(reverse(name, args=["nobody"])).status_code == 404
    assert auth_client.get(reverse(name, args=["bob"]), {"page": "0"}).status_code == 404
    client.logout()
    assert client.get(reverse(name, args=["bob"])).status_code == 302


def test_the_admin_keeps_users_profiles_and_follows_together_and_searchable(client, user):
    admin_user = make_user("root")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    section = index[index.index('class="app-account module') :]
    section = section[: section.index("</table>")]
    for model in ("user", "profile", "contact"):
        assert f'href="{reverse(f"admin:account_{model}_changelist")}"' in section
    assert ">Follows<" in section
    make_image(user)
    Contact.objects.create(user_from=admin_user, user_to=user)
    users = client.get(reverse("admin:account_user_changelist"), {"q": "alice"}).content.decode()
    assert "alice@example.com" in users and "root@example.com" not in users
    assert '<td class="field-image_count">1</td>' in users
    assert '<td class="field-follower_count">1</td>' in users
    user.profile.bio = "Paints <b>birds</b>"
    user.profile.save()
    profiles = client.get(reverse("admin:account_profile_changelist"), {"q": "birds"})
    assert "Paints &lt;b&gt;birds&lt;/b&gt;" in profiles.content.decode()
