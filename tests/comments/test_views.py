from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Verb
from comments.models import Comment
from tests.factories import make_image, make_user

AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
CREATE = "/images/comment/"


@pytest.fixture
def image(other_user):
    return make_image(other_user, title="Sunset")


def post_comment(client, image, body, **extra):
    return client.post(CREATE, {"image": image.id, "body": body}, **extra)


def test_ajax_comment_answers_its_id_and_is_stored(auth_client, user, image):
    response = post_comment(auth_client, image, "Lovely colours", **AJAX)
    assert response.status_code == 200
    data = response.json()
    comment = Comment.objects.get()
    assert data["status"] == "ok" and data["id"] == comment.pk
    assert (comment.author, comment.image, comment.body) == (user, image, "Lovely colours")


def test_plain_form_comment_redirects_back_to_the_image(auth_client, image):
    back = image.get_absolute_url()
    response = auth_client.post(CREATE, {"image": image.id, "body": "Nice", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    page = auth_client.get(back)
    assert b"Nice" in page.content and b'id="comments"' in page.content


def test_comment_records_commented_on_in_the_activity_stream(auth_client, user, image):
    post_comment(auth_client, image, "Nice", **AJAX)
    assert Action.objects.filter(user=user, verb=Verb.COMMENTED, target_id=image.id).exists()


@pytest.mark.parametrize(
    "body, reason",
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\u200b\u200d\ufeff \u2060", "empty"),
        ("x" * 2001, "2,000"),
        ("hello @nobody_here", "@nobody_here"),
    ],
)
def test_bad_comments_are_refused_with_a_reason_and_store_nothing(auth_client, image, body, reason):
    response = post_comment(auth_client, image, body, **AJAX)
    assert response.status_code == 400
    assert reason in response.json()["message"]
    assert not Comment.objects.exists()
    plain = post_comment(auth_client, image, body)
    assert plain.status_code == 400 and reason.encode() in plain.content


def test_two_thousand_characters_are_fine(auth_client, image):
    assert post_comment(auth_client, image, "é" * 2000, **AJAX).status_code == 200


def test_markup_is_escaped_and_only_web_links_become_links(auth_client, image):
    body = "<script>alert(1)</script> <b>bold</b> javascript:alert(2) see https://example.com/a?b=1&c=2."
    post_comment(auth_client, image, body, **AJAX)
    html = auth_client.get(image.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    assert 'href="javascript' not in html
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener" target="_blank">'
        in html
    )


def test_mention_of_an_existing_person_links_to_them(auth_client, image):
    make_user("carol")
    post_comment(auth_client, image, "Look @Carol, and me@example.com", **AJAX)
    html = auth_client.get(image.get_absolute_url()).content.decode()
    assert f'<a class="mention" href="{reverse("user_detail", args=["carol"])}">@Carol</a>' in html
    assert "me@example.com" in html and 'href="/account/users/example.com' not in html


def test_anonymous_cannot_comment(client, image):
    assert post_comment(client, image, "hi", **AJAX).status_code == 401
    assert not Comment.objects.exists()


def test_comment_on_a_missing_image_is_a_404(auth_client):
    response = auth_client.post(CREATE, {"image": 999999, "body": "hi"}, **AJAX)
    assert response.status_code == 404


def test_comments_are_rate_limited_per_person(auth_client, image, settings):
    settings.RATE_LIMITS = {"comment": (3, 60)}
    for n in range(3):
        assert post_comment(auth_client, image, f"c{n}", **AJAX).status_code == 200
    response = post_comment(auth_client, image, "one more", **AJAX)
    assert response.status_code == 429
    assert "commenting very fast" in response.json()["message"]
    assert Comment.objects.count() == 3


def _comment(author, image, body="First", minutes_ago=0):
    comment = Comment.objects.create(author=author, image=image, body=body)
    if minutes_ago:
        Comment.objects.filter(pk=comment.pk).update(
            created=timezone.now() - timedelta(minutes=minutes_ago)
        )
    return comment


def test_author_edits_within_fifteen_minutes_and_edited_is_shown(auth_client, user, image):
    comment = _comment(user, image, minutes_ago=14)
    url = f"/images/comment/{comment.pk}/edit/"
    assert auth_client.post(url, {"body": "Second"}, **AJAX).status_code == 200
    comment.refresh_from_db()
    assert comment.body == "Second" and comment.edited is not None
    assert b"(edited)" in auth_client.get(image.get_absolute_url()).content


def test_editing_after_fifteen_minutes_is_refused(auth_client, user, image):
    comment = _comment(user, image, minutes_ago=16)
    response = auth_client.post(f"/images/comment/{comment.pk}/edit/", {"body": "Late"}, **AJAX)
    assert response.status_code == 400 and "15 minutes" in response.json()["message"]
    comment.refresh_from_db()
    assert comment.body == "First"


def test_nobody_else_edits_a_comment(client, user, other_user, image):
    comment = _comment(user, image)
    client.force_login(other_user)  # the image's owner: may delete, not edit
    response = client.post(f"/images/comment/{comment.pk}/edit/", {"body": "x"}, **AJAX)
    assert response.status_code == 404


def test_author_deletes_their_own_comment(auth_client, user, image):
    comment = _comment(user, image)
    response = auth_client.post(f"/images/comment/{comment.pk}/delete/", **AJAX)
    assert response.status_code == 200 and not Comment.objects.exists()


def test_image_owner_deletes_any_comment_on_their_image(client, user, other_user, image):
    comment = _comment(user, image)
    client.force_login(other_user)
    assert client.post(f"/images/comment/{comment.pk}/delete/", **AJAX).status_code == 200
    assert not Comment.objects.exists()


def test_nobody_else_deletes_a_comment(client, user, image):
    comment = _comment(user, image)
    client.force_login(make_user("mallory"))
    assert client.post(f"/images/comment/{comment.pk}/delete/", **AJAX).status_code == 404
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_comment_endpoints_are_post_only(auth_client, user, image):
    comment = _comment(user, image)
    assert auth_client.get(CREATE).status_code == 405
    assert auth_client.get(f"/images/comment/{comment.pk}/delete/").status_code == 405


def test_oldest_first_with_earlier_comments_on_demand(auth_client, user, image):
    for n in range(25):
        _comment(user, image, body=f"number-{n:02d}")
    html = auth_client.get(image.get_absolute_url()).content.decode()
    assert "number-04" not in html and html.index("number-05") < html.index("number-24")
    first_shown = Comment.objects.get(body="number-05")
    earlier = auth_client.get(
        "/images/comment/earlier/", {"image": image.id, "before": first_shown.pk}, **AJAX
    ).content.decode()
    assert "number-00" in earlier and "number-04" in earlier and "number-05" not in earlier
    plain = auth_client.get("/images/comment/earlier/", {"image": image.id, "before": "x"})
    assert plain.status_code == 404


def test_image_page_queries_do_not_grow_with_comments(
    client, user, image, other_user, django_assert_num_queries
):
    client.force_login(user)
    _comment(user, image, body="hi @bob")
    client.get(image.get_absolute_url())  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        client.get(image.get_absolute_url())
    for n in range(199):
        _comment(make_user(f"p{n}") if n % 20 == 0 else user, image, body=f"@bob {n} @p0")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(image.get_absolute_url())
    assert response.content.count(b'class="comment"') == 20


@pytest.mark.parametrize("status", ["saving", "failed"])
def test_another_persons_image_that_is_not_ready_cannot_be_commented(auth_client, image, status):
    type(image).objects.filter(pk=image.pk).update(status=status)
    response = post_comment(auth_client, image, "First!", **AJAX)
    assert response.status_code == 404
    assert not Comment.objects.exists()
    # its owner may (the image is theirs, whatever its state)
    auth_client.force_login(image.user)
    assert post_comment(auth_client, image, "Note to self", **AJAX).status_code == 200


def test_a_person_the_owner_blocked_cannot_comment(client, user, other_user, image):
    from blocks.models import Block

    Block.objects.create(blocker=other_user, blocked=user)
    client.force_login(user)
    ajax = post_comment(client, image, "Let me in", **AJAX)
    plain = post_comment(client, image, "Let me in")
    assert 400 <= ajax.status_code < 500 and 400 <= plain.status_code < 500
    assert ajax.json()["status"] == "error" and ajax.json()["message"]
    assert not Comment.objects.exists()
    assert not Action.objects.filter(verb=Verb.COMMENTED).exists()
