"""The search page and the suggestions endpoint: bad input (acceptance 3), a fixed number of
queries, highlighting that escapes (acceptance 5), infinite scroll's fragments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search.selectors import PER_PAGE
from tests.factories import make_image
from tests.search.conftest import add_image

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:results")
SUGGEST = reverse("search:suggest")

BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "sunset " * 2_000,
    '- - "',
    "-",
    '"',
    '""',
    '"unbalanced quote',
    'sunset "',
    "NEAR(",
    "NEAR(sunset beach, 2)",
    "AND OR",
    "sunset AND OR NOT",
    "*",
    "sun*",
    "^",
    "^sunset",
    ":",
    "title:sunset",
    "{title tags}: sunset",
    '"',
    "'",
    "sunset' OR 1=1 --",
    "a & b | !c <-> d:*",
    "%",
    "_",
    "%_%",
    "100%",
    "\x00",
    "sun\x00set",
    "\x01\x02\x1b[31m\x7f",
    "\u200b\u200e\ufeff",
    "🌅",
    "🌅 sunset 🏖️",
    "غروب الشمس",
    "שקיעה",
    "\u202eesrever",
    "tag:",
    "#",
    "##",
    "tag:#",
    "#%%",
    "tag:" + "x" * 500,
    "by:",
    "by:nobody-at-all",
    "by:%",
    "site:",
    "site:...",
    "board:",
    "board:nothing by:nobody",
    "is:",
    "is:everything",
    "-" * 100,
    " ".join(f"w{i}" for i in range(500)),
    " ".join(f"-w{i}" for i in range(200)),
    "\\",
    "\\'",
    "$$",
    "\n\t\r",
]


@pytest.mark.parametrize("kind", ["images", "boards", "people", "nonsense"])
def test_every_bad_query_answers_200(client, corpus, kind):
    client.force_login(corpus.alice)
    for q in BAD_QUERIES:
        response = client.get(SEARCH, {"q": q, "type": kind})
        assert response.status_code == 200, repr(q)
        response = client.get(SEARCH, {"q": q, "type": kind, "images_only": 1})
        assert response.status_code == 200, repr(q)


def test_every_bad_query_answers_200_logged_out_and_suggests(client, corpus):
    for q in BAD_QUERIES:
        assert client.get(SEARCH, {"q": q}).status_code == 200, repr(q)
        response = client.get(SUGGEST, {"q": q})
        assert response.status_code == 200, repr(q)
        assert set(response.json()) == {"people", "tags", "boards"}


@pytest.mark.parametrize(
    "params",
    [
        {"page": "999"},
        {"page": "100001"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": ""},
        {"page": "1e9"},
        {"page": "\x00"},
        {"sort": "nonsense"},
        {"sort": ""},
        {"type": ""},
        {"type": "people", "page": "999"},
        {"type": "boards", "page": "999"},
        {"q": ["a", "b"]},
    ],
)
def test_bad_pages_sorts_and_types_answer_200(client, corpus, params):
    params = {"q": "sunset", **params}
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert client.get(SEARCH, {**params, "images_only": 1}).status_code == 200


def test_a_page_past_the_end_says_so_and_its_fragment_is_empty(client, corpus):
    response = client.get(SEARCH, {"q": "sunset", "page": 50})
    assert b"No more results" in response.content
    assert client.get(SEARCH, {"q": "sunset", "page": 50, "images_only": 1}).content.strip() == b""


def test_no_results_shows_a_hint(client, corpus):
    response = client.get(SEARCH, {"q": "zebra"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No results for “zebra”" in html
    assert "Try fewer or shorter words" in html


def test_the_search_field_is_in_the_top_bar_of_every_page(client, corpus):
    pages = [reverse("login"), reverse("register"), SEARCH, "/images/detail/99999/gone/"]
    for path in pages:
        assert 'role="search"' in client.get(path).content.decode(), path
    client.force_login(corpus.alice)
    pages = [
        SEARCH, "/images/detail/99999/gone/", reverse("dashboard"), reverse("images:list"),
        reverse("user_list"), make_image(corpus.bob).get_absolute_url(), reverse("images:create"),
        reverse("edit"),
    ]  # fmt: skip
    for path in pages:
        response = client.get(path)
        html = response.content.decode()
        assert 'role="combobox"' in html and 'aria-controls="search-suggestions"' in html, path


def test_results_are_tabs_and_the_grid(client, corpus):
    html = client.get(SEARCH, {"q": "sunset"}).content.decode()
    assert 'aria-current="page">Images</a>' in html
    assert 'class="grid" data-infinite' in html
    assert f'data-more-url="{SEARCH}?q=sunset&amp;type=images&amp;sort=relevance"' in html
    assert corpus.sunset.get_absolute_url() in html
    people = client.get(SEARCH, {"q": "bob", "type": "people"}).content.decode()
    assert corpus.bob.get_absolute_url() in people
    boards = client.get(SEARCH, {"q": "trips", "type": "boards"}).content.decode()
    assert corpus.trips_bob.get_absolute_url() in boards


def test_matched_words_are_highlighted_and_markup_in_titles_is_escaped(client, corpus):
    add_image(corpus.alice, "<script>alert('sunset')</script> & <b>bold</b> Sunsets")
    html = client.get(SEARCH, {"q": "sunset"}).content.decode()
    assert "<mark>Sunset</mark> over the beach" in html
    assert (
        "&lt;script&gt;alert(&#x27;<mark>sunset</mark>&#x27;)&lt;/script&gt; &amp; "
        "&lt;b&gt;bold&lt;/b&gt; <mark>Sunsets</mark>"
    ) in html
    assert "<script>alert" not in html
    assert "<b>bold" not in html


def test_highlight_never_marks_inside_an_escaped_entity(client, corpus):
    add_image(corpus.alice, "amp & lt <mark>")
    html = client.get(SEARCH, {"q": "amp lt mark"}).content.decode()
    assert "<mark>amp</mark> &amp; <mark>lt</mark> &lt;<mark>mark</mark>&gt;" in html


def count(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "sunset"},
        {"q": "sunset", "sort": "likes"},
        {"q": "#sea board:trips by:bob is:liked -dog"},
        {"q": "", "images_only": 1, "page": 2},
        {"q": "golden", "type": "boards"},
        {"q": "golden", "type": "people"},
    ],
)
def test_a_search_page_costs_at_most_four_queries_however_many_results(client, corpus, params):
    client.force_login(corpus.alice)
    count(client, params)  # warm: whether pg_trgm is installed is asked once per process
    one = count(client, params)
    for n in range(PER_PAGE + 2):
        add_image(corpus.bob, f"Golden sunset {n}", tags=["sea"])
        corpus.trips_bob.entries.create(image=corpus.dog, position=100 + n) if n == 0 else None
    from account.services import register_user
    from boards.models import Board

    for n in range(PER_PAGE + 2):
        person = register_user(
            username=f"golden{n}", email=f"g{n}@example.com", password="x-Y-z-123456"
        )
        Board.objects.create(owner=person, name=f"Golden {n}", slug=f"golden-{n}")
    many = count(client, params)
    assert one == many
    assert many <= 4


def test_suggestions_are_people_tags_and_boards(client, corpus):
    client.force_login(corpus.alice)
    data = client.get(SUGGEST, {"q": "s"}).json()
    assert [t["label"] for t in data["tags"]] == ["#sea", "#summer"]
    assert data["tags"][0]["url"] == SEARCH + "?q=%23sea"
    data = client.get(SUGGEST, {"q": "car"}).json()
    assert data["people"] == [
        {"label": "Carol", "url": corpus.carol.get_absolute_url(), "detail": "@carol"}
    ]
    data = client.get(SUGGEST, {"q": "tri"}).json()
    assert {b["label"] for b in data["boards"]} == {"Trips", "trips"}
    assert client.get(SUGGEST, {"q": "hidd"}).json()["boards"] == []  # carol's secret board
    client.force_login(corpus.carol)
    assert client.get(SUGGEST, {"q": "hidd"}).json()["boards"][0]["label"] == "Hidden gems"


def test_suggestions_hide_inactive_people(client, corpus):
    corpus.carol.is_active = False
    corpus.carol.save()
    assert client.get(SUGGEST, {"q": "car"}).json()["people"] == []
