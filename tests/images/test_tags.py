"""Tags: normalised on the way in, suggested from your own and the most used, a page per tag
(everyone's, newest first, infinite scroll) and a filter on a person's page."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from images.editing import update_image
from images.tags import normalise_tag, parse_tags
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def tag(image, *names):
    update_image(image=image, title=image.title, description="", alt_text="", tags=list(names))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  Sea ", "sea"), ("New-York", "new-york"), ("snake_case", "snake_case"), ("2026", "2026"),
     ("Ωμέγα", "ωμέγα"), ("東京", "東京"), ("हिन्दी", "हिन्दी"), ("café", "café")],
)  # fmt: skip
def test_tags_are_normalised(raw, expected):
    assert normalise_tag(raw) == expected


@pytest.mark.parametrize(
    "raw", ["<b>", "a&b", "x" * 51, "tab\x07", "semi;colon", "emoji💥", "dot.dot", "\u202eevil"]
)
def test_bad_tags_are_refused(raw):
    with pytest.raises(ValidationError):
        normalise_tag(raw)


def test_parse_splits_dedupes_and_limits():
    assert parse_tags("Sea, sea  SUNSET,,beach ") == ["sea", "sunset", "beach"]
    assert len(parse_tags(" ".join(f"t{i}" for i in range(20)))) == 20
    with pytest.raises(ValidationError, match="at most 20"):
        parse_tags(" ".join(f"t{i}" for i in range(21)))


def test_tag_page_lists_everyones_images_newest_first(client, user, other_user):
    old = make_image(user, title="old")
    new = make_image(other_user, title="new")
    untagged = make_image(user, title="untagged")
    tag(old, "sea")
    tag(new, "sea", "sky")
    response = client.get("/images/tag/sea/")
    assert response.status_code == 200
    assert [i.pk for i in response.context["page"].object_list] == [new.pk, old.pk]
    assert untagged.pk not in [i.pk for i in response.context["page"].object_list]
    assert client.get("/images/tag/SEA/").context["page"].object_list  # normalised
    assert client.get("/images/tag/nothing/").status_code == 200
    assert client.get("/images/tag/%3Cscript%3E/").status_code == 404


def test_tag_page_infinite_scroll(client, user):
    for n in range(10):
        tag(make_image(user, title=f"p{n}"), "many")
    html = client.get("/images/tag/many/").content.decode()
    assert 'data-next-page="2"' in html
    more = client.get("/images/tag/many/?page=2&images_only=1").content.decode()
    assert more.count('class="tile"') == 2
    assert client.get("/images/tag/many/?page=3&images_only=1").content == b""


def test_suggest_puts_my_tags_first_then_the_most_used(client, user, other_user):
    for n in range(3):
        tag(make_image(other_user, title=f"o{n}"), "sunset", "summer")
    tag(make_image(user), "surf")
    tag(make_image(other_user, title="x"), "sushi")
    client.force_login(user)
    response = client.get("/images/tags/suggest/?q=SU")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    names = response.json()
    assert names[0] == "surf" and set(names[1:3]) == {"summer", "sunset"} and names[3] == "sushi"
    for n in range(12):
        tag(make_image(other_user, title=f"m{n}"), f"sub{n}")
    assert client.get("/images/tags/suggest/?q=su").json() == names  # everyone's: cached
    cache.clear()
    assert len(client.get("/images/tags/suggest/?q=su").json()) == 10
    assert client.get("/images/tags/suggest/?q=<script>").json() == []


def test_person_page_filters_by_tag(client, user):
    sea, sky = make_image(user, title="sea pic"), make_image(user, title="sky pic")
    tag(sea, "sea")
    tag(sky, "sky")
    tag(make_image(make_user("carol")), "sea")
    client.force_login(user)
    response = client.get("/account/users/alice/?tag=sea")
    assert [i.pk for i in response.context["page"].object_list] == [sea.pk]
    html = response.content.decode()
    assert 'href="?tag=sky"' in html and 'data-more-url="/account/users/alice/?tag=sea"' in html
    assert len(client.get("/account/users/alice/").context["page"].object_list) == 2


def test_tags_are_escaped(client, user):
    image = make_image(user, title="<img src=x onerror=alert(1)>")
    tag(image, "ok")
    client.force_login(user)
    for path in ("/images/tag/ok/", image.get_absolute_url(), "/account/users/alice/"):
        html = client.get(path).content.decode()
        assert "<img src=x onerror" not in html


def test_person_page_tag_filter_survives_the_plain_pager(client, user):
    for n in range(10):
        tag(make_image(user, title=f"p{n}"), "many")
    make_image(user, title="untagged")
    client.force_login(user)
    html = client.get("/account/users/alice/?tag=many").content.decode()
    assert 'href="?page=2&amp;tag=many"' in html
    second = client.get("/account/users/alice/?page=2&tag=many")
    assert len(second.context["page"].object_list) == 2


def test_suggest_works_with_redis_down(client, user, redis_down):
    tag(make_image(user), "surf")
    client.force_login(user)
    assert client.get("/images/tags/suggest/?q=su").json() == ["surf"]
