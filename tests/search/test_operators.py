"""Acceptance 1 and 2: each operator of the query language gives these results, on SQLite (FTS5)
and on PostgreSQL (tsvector) alike (`make test` runs this file on both), and private images and
secret boards are found by those who may see them only."""

import pytest
from django.contrib.auth.models import AnonymousUser

from search.query import Sort, parse
from search.selectors import search_boards, search_images, search_people

pytestmark = pytest.mark.django_db


def found(corpus, text, viewer="alice", sort=Sort.RELEVANCE):
    who = AnonymousUser() if viewer is None else getattr(corpus, viewer)
    page = search_images(parse(text), 1, viewer=who, sort=sort)
    return [image.title for image in page.object_list]


OPERATORS = {
    # words: all must match, in any field; the last also as a prefix
    "sunset": {"Sunset over the beach", "Golden retriever", "Secret sunset"},
    "SUNSET": {"Sunset over the beach", "Golden retriever", "Secret sunset"},
    "sun": {"Sunset over the beach", "Golden retriever", "Secret sunset"},
    "sunset beach": {"Sunset over the beach"},
    "beach sunset": {"Sunset over the beach"},
    "lake peaks": {"Mountain lake"},  # title and alt text
    "sea": {"Sunset over the beach", "Golden retriever", "Sea-side town"},  # tag, text, title
    "sea-side": {"Sea-side town"},
    "example": {"Sunset over the beach", "Beachside cafe", "Sea-side town"},  # the domain
    "sun beach": set(),  # only the last word is a prefix
    # "an exact phrase"
    '"golden hour"': {"Sunset over the beach"},
    '"hour golden"': set(),
    '"golden hour': {"Sunset over the beach"},  # unclosed
    # -word
    "golden -dog": {"Sunset over the beach"},
    "-sunset": {"Mountain lake", "Beachside cafe", "Sea-side town"},
    '-"golden hour" sunset': {"Golden retriever", "Secret sunset"},
    # #tag and tag:foo
    "#sea": {"Sunset over the beach", "Golden retriever"},
    "tag:sea": {"Sunset over the beach", "Golden retriever"},
    "tag:SEA": {"Sunset over the beach", "Golden retriever"},
    "#sea #dog": {"Golden retriever"},
    "#sea golden hour": {"Sunset over the beach"},
    "#nosuchtag": set(),
    # by:username
    "by:bob": {"Beachside cafe", "Golden retriever"},
    "by:bob golden": {"Golden retriever"},
    "by:nobody": set(),
    # site:example.com (sub-domains too, not a look-alike)
    "site:example.com": {"Sunset over the beach", "Sea-side town"},
    "site:www.example.com": {"Sunset over the beach", "Sea-side town"},
    "site:https://example.org/a": {"Beachside cafe"},
    "site:photos.test": {"Mountain lake"},  # no page: the image's own address
    # board:slug, with by:
    "board:trips": {"Sunset over the beach", "Beachside cafe", "Mountain lake"},
    "board:trips by:bob": {"Sunset over the beach", "Beachside cafe"},
    "board:trips by:alice": {"Mountain lake"},
    "board:hidden": set(),  # carol's secret board
    # is:mine, is:liked
    "is:mine": {"Sunset over the beach", "Mountain lake", "Secret sunset"},
    "is:mine sunset": {"Sunset over the beach", "Secret sunset"},
    "is:liked": {"Golden retriever"},
    # a plain text is not an operator
    "foo:sunset": set(),
    "unknown:thing": set(),
}


@pytest.mark.parametrize(("text", "expected"), OPERATORS.items(), ids=list(OPERATORS))
def test_operator(corpus, text, expected):
    assert set(found(corpus, text)) == expected


def test_relevance_puts_title_matches_before_description_matches(corpus):
    titles = found(corpus, "sunset")
    assert titles[-1] == "Golden retriever"  # "sunset" only in its description


def test_newest_and_most_liked_sorts(corpus):
    assert found(corpus, "sea", sort=Sort.NEWEST) == [
        "Sea-side town", "Golden retriever", "Sunset over the beach"
    ]  # fmt: skip
    assert found(corpus, "sea", sort=Sort.LIKES)[0] == "Golden retriever"


def test_empty_query_lists_everything_visible_newest_first(corpus):
    assert found(corpus, "", viewer="bob")[0] == "Sea-side town"
    assert "Secret sunset" not in found(corpus, "", viewer="bob")


def test_private_images_are_found_by_their_owner_only(corpus):
    assert "Secret sunset" in found(corpus, "secret")
    assert found(corpus, "secret", viewer="bob") == []
    assert found(corpus, "secret", viewer=None) == []
    assert found(corpus, "sunset", viewer=None) == ["Sunset over the beach", "Golden retriever"]
    assert found(corpus, "is:mine", viewer=None) == []
    assert found(corpus, "is:liked", viewer=None) == []


def test_secret_boards_are_found_by_those_who_may_see_them(corpus):
    from boards.models import BoardMember, Role

    assert found(corpus, "board:hidden", viewer="carol") == ["Golden retriever"]
    assert found(corpus, "board:hidden", viewer="bob") == []
    assert found(corpus, "board:hidden", viewer=None) == []
    names = lambda viewer: [  # noqa: E731
        b.name for b in search_boards(parse("hidden"), 1, viewer=viewer).object_list
    ]
    assert names(corpus.carol) == ["Hidden gems"]
    assert names(corpus.bob) == []
    assert names(AnonymousUser()) == []
    BoardMember.objects.create(board=corpus.hidden, user=corpus.bob, role=Role.VIEWER)
    assert names(corpus.bob) == ["Hidden gems"]
    assert found(corpus, "board:hidden", viewer="bob") == ["Golden retriever"]


def test_boards_match_name_and_description(corpus):
    def names(text):
        return {b.name for b in search_boards(parse(text), 1, viewer=corpus.alice).object_list}

    assert names("trip") == {"Trips", "trips"}
    assert names("lakes") == {"trips"}
    assert names("trips by:bob") == {"Trips"}
    assert names("gems") == set()


def test_people_by_username_and_name_prefix_without_inactive_ones(corpus):
    def usernames(text):
        return [p.username for p in search_people(parse(text), 1).object_list]

    assert usernames("ali") == ["alice"]
    assert usernames("CAROL") == ["carol"]
    assert usernames("") == []
    corpus.carol.is_active = False
    corpus.carol.save()
    assert usernames("carol") == []
    assert "Sea-side town" not in found(corpus, "town")  # an inactive person's images too
