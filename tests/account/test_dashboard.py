import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from account.models import Contact
from actions.models import Action, Verb
from actions.services import create_action
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


# The picture beside a feed line repeats the line's own link: out of the tab order and unread.
DUPLICATE_LINK = 'tabindex="-1" aria-hidden="true"'


def feed(client, **params):
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response


def test_dashboard_shows_followed_users_actions_newest_first_not_mine(auth_client, user):
    followed, stranger = make_user("followed"), make_user("stranger")
    Contact.objects.create(user_from=user, user_to=followed)
    Action.objects.all().delete()
    first = make_image(followed, title="First")
    create_action(followed, Verb.BOOKMARKED, first)
    create_action(stranger, Verb.BOOKMARKED, make_image(stranger, title="Stranger's"))
    create_action(user, Verb.BOOKMARKED, make_image(user, title="Mine"))
    second = make_image(followed, title="Second")
    create_action(followed, Verb.BOOKMARKED, second)

    actions = feed(auth_client).context["page"].object_list
    assert [a.target for a in actions] == [second, first]
    page = feed(auth_client).content.decode()
    assert "Second" in page and "Stranger" not in page and "Mine" not in page


def test_dashboard_without_follows_shows_everyone_else(auth_client, user, other_user):
    Action.objects.all().delete()
    create_action(other_user, Verb.BOOKMARKED, make_image(other_user, title="Bob's"))
    create_action(user, Verb.BOOKMARKED, make_image(user, title="Mine"))
    actions = feed(auth_client).context["page"].object_list
    assert [a.actor for a in actions] == [other_user]
    assert "You don't follow anyone yet" in feed(auth_client).content.decode()


def test_older_activity_loads_more(auth_client, user, other_user):
    targets = [make_user(f"t{n}") for n in range(12)]
    Action.objects.all().delete()
    for target in targets:
        create_action(other_user, Verb.FOLLOWS, target)
    first = feed(auth_client)
    assert len(first.context["page"].object_list) == 10
    assert 'data-next-page="2"' in first.content.decode()
    more = feed(auth_client, page=2, actions_only=1)
    html = more.content.decode()
    assert html.count('class="feed-item"') == 2
    assert "<html" not in html
    assert feed(auth_client, page=3, actions_only=1).content.decode().strip() == ""


def test_deleting_an_image_target_leaves_the_rest_of_the_feed(auth_client, user, other_user):
    Contact.objects.create(user_from=user, user_to=other_user)
    Action.objects.all().delete()
    kept, gone = make_image(other_user, title="Kept"), make_image(other_user, title="Gone")
    create_action(other_user, Verb.BOOKMARKED, kept)
    create_action(other_user, Verb.BOOKMARKED, gone)
    create_action(other_user, Verb.LIKES, gone)
    gone.delete()
    response = feed(auth_client)
    assert [a.target for a in response.context["page"].object_list] == [kept]


def test_stale_action_whose_target_vanished_without_signal_is_skipped(
    auth_client, user, other_user
):
    Contact.objects.create(user_from=user, user_to=other_user)
    Action.objects.all().delete()
    image = make_image(other_user, title="Raw-deleted")
    create_action(other_user, Verb.BOOKMARKED, image)
    from images.models import Image

    Image.objects.filter(pk=image.pk)._raw_delete(Image.objects.db)  # no signals
    assert feed(auth_client).context["page"].object_list == []


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        feed(client)
    return len(ctx.captured_queries)


def test_dashboard_queries_do_not_grow_with_actions_or_follows(auth_client, user):
    Action.objects.all().delete()
    friend = make_user("friend")
    Contact.objects.create(user_from=user, user_to=friend)
    create_action(friend, Verb.BOOKMARKED, make_image(friend, title="one"))
    one_action = _dashboard_queries(auth_client)
    for n in range(9):
        create_action(friend, Verb.BOOKMARKED, make_image(friend, title=f"more{n}"))
    ten_actions = _dashboard_queries(auth_client)
    assert one_action == ten_actions


def test_dashboard_queries_are_fixed_with_mixed_targets_and_500_follows(auth_client, user):
    friend, other = make_user("friend"), make_user("other")
    Contact.objects.create(user_from=user, user_to=friend)
    Action.objects.all().delete()
    create_action(friend, Verb.BOOKMARKED, make_image(friend, title="img"))
    create_action(friend, Verb.FOLLOWS, other)
    mixed_two = _dashboard_queries(auth_client)

    others = [make_user(f"f{n}") for n in range(499)]
    Contact.objects.bulk_create([Contact(user_from=user, user_to=o) for o in others])
    Action.objects.filter(verb=Verb.JOINED).delete()
    for n in range(4):
        create_action(others[n], Verb.BOOKMARKED, make_image(others[n], title=f"i{n}"))
        create_action(others[n], Verb.FOLLOWS, others[n + 10])
    mixed_ten = _dashboard_queries(auth_client)
    actions = feed(auth_client).context["page"].object_list
    assert len(actions) == 10
    assert {type(a.target).__name__ for a in actions} == {"Image", "User"}
    assert mixed_two == mixed_ten
    assert mixed_ten == 6  # user, follows, actions, images, users (one per type shown), badge


def test_feed_lines_are_drawn_by_target_type_not_guessed(auth_client, user):
    """An image is shown by its thumbnail and a person by their avatar, whatever their fields
    say: an image with an empty title used to be drawn as a person (the template asked
    `target.title`)."""
    friend, followed = make_user("friend"), make_user("followed", first_name="Zoë")
    Contact.objects.create(user_from=user, user_to=friend)
    Action.objects.all().delete()
    untitled = make_image(friend, title="")
    create_action(friend, "bookmarked image", untitled)
    create_action(friend, "is following", followed)
    page = feed(auth_client).content.decode()
    thumb = untitled.list_thumbnail.url
    assert (
        f'<a href="{untitled.get_absolute_url()}" class="feed-thumb" {DUPLICATE_LINK}>'
        f'<img src="{thumb}"' in page
    )
    assert (
        f'<a href="{followed.get_absolute_url()}" class="feed-thumb" {DUPLICATE_LINK}>'
        '<span class="avatar-initial avatar-48" aria-hidden="true">Z</span></a>' in page
    )
    assert f'<a href="{followed.get_absolute_url()}">Zoë</a>' in page


def test_feed_text_is_escaped(auth_client, user):
    friend = make_user("friend", first_name="<b>Friend</b>")
    Contact.objects.create(user_from=user, user_to=friend)
    Action.objects.all().delete()
    create_action(friend, "bookmarked image", make_image(friend, title="<script>x</script>"))
    create_action(friend, "is following", make_user("other", first_name="<i>Other</i>"))
    page = feed(auth_client).content.decode()
    assert "<script>x" not in page and "<b>Friend" not in page and "<i>Other" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "&lt;b&gt;Friend&lt;/b&gt;" in page
    assert 'aria-hidden="true">&lt;</span>' in page  # the initial of "<b>Friend</b>"


def test_user_list_and_detail_queries_are_fixed(auth_client, user):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert auth_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    person = make_user("person")
    make_image(person)
    list_one, detail_one = count(reverse("user_list")), count(person.get_absolute_url())
    for n in range(30):
        make_user(f"p{n}")
    for n in range(8):
        make_image(person, title=f"x{n}")
    assert count(reverse("user_list")) == list_one
    assert count(person.get_absolute_url()) == detail_one
    assert list_one == 4  # user, page, their latest images, unread badge (session: Redis)
    assert detail_one == 5  # user, person with follower count and followed?, images, tags, badge


def test_an_empty_dashboard_and_a_new_persons_page_offer_a_next_step(auth_client, user):
    from django.urls import reverse

    dashboard = auth_client.get(reverse("dashboard")).content.decode()
    assert "Nothing here yet" in dashboard
    assert f'href="{reverse("images:create")}">Add an image' in dashboard
    assert f'href="{reverse("user_list")}">Find people to follow' in dashboard
    own = auth_client.get(user.get_absolute_url()).content.decode()
    assert "You haven't bookmarked any image yet" in own
    assert f'href="{reverse("images:create")}">Add your first image' in own
    images = auth_client.get(reverse("images:list")).content.decode()
    assert f'href="{reverse("images:create")}">Add an image' in images


def test_the_name_in_the_top_bar_leads_to_your_own_page_with_edit_profile(auth_client, user):
    from django.urls import reverse

    dashboard = auth_client.get(reverse("dashboard")).content.decode()
    assert f'<a class="usernav-name" href="{user.get_absolute_url()}"' in dashboard
    own = auth_client.get(user.get_absolute_url()).content.decode()
    assert f'href="{reverse("edit")}">Edit your profile' in own
