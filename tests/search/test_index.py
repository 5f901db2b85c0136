"""Acceptance 4: the index follows every change in the same transaction (database triggers),
so the next search sees an edit, a tag, a deletion, a private image. And the plans: searches
read the full-text index (GIN on PostgreSQL, the FTS5 table on SQLite), never a full scan."""

import pytest
from django.db import connection
from django.urls import reverse
from taggit.models import Tag

from boards.models import Board
from images.editing import delete_image, update_image
from images.models import Image
from search.backends import has_trigrams
from search.query import parse
from search.selectors import _images, _people, search_images

pytestmark = pytest.mark.django_db


def titles(text, viewer):
    return {i.title for i in search_images(parse(text), 1, viewer=viewer).object_list}


def test_editing_the_text_is_found_at_once(corpus):
    update_image(
        image=corpus.lake, title="Frozen pond", description="ice skating",
        alt_text="children on ice", tags=["winter"],
    )  # fmt: skip
    assert titles("mountain", corpus.bob) == set()
    assert titles("frozen", corpus.bob) == {"Frozen pond"}
    assert titles("skating", corpus.bob) == {"Frozen pond"}
    assert titles("children", corpus.bob) == {"Frozen pond"}
    assert titles("#winter", corpus.bob) == {"Frozen pond"}
    assert titles("winter", corpus.bob) == {"Frozen pond"}  # tags are words too
    assert titles("#lake", corpus.bob) == set()
    assert titles("lake", corpus.bob) == set()


def test_tagging_and_untagging_is_found_at_once(corpus):
    corpus.cafe.tags.add("espresso")
    assert titles("espresso", corpus.alice) == {"Beachside cafe"}
    corpus.cafe.tags.remove("espresso")
    assert titles("espresso", corpus.alice) == set()
    corpus.cafe.tags.clear()
    assert titles("coffee", corpus.alice) == set()


def test_a_renamed_tag_is_found_by_its_new_name(corpus):
    Tag.objects.filter(name="coffee").update(name="latte")
    assert titles("latte", corpus.alice) == {"Beachside cafe"}
    assert titles("coffee", corpus.alice) == set()


def test_a_deleted_image_is_gone_from_the_index(corpus):
    delete_image(image=corpus.cafe)
    assert titles("beachside", corpus.alice) == set()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM search_image_fts WHERE rowid = %s", [corpus.cafe.pk]
            )
            assert cursor.fetchone()[0] == 0


def test_an_image_made_private_is_found_by_its_owner_only(corpus):
    corpus.cafe.private = True
    corpus.cafe.save(update_fields=["private"])
    assert titles("beachside", corpus.alice) == set()
    assert titles("beachside", corpus.bob) == {"Beachside cafe"}


def test_the_edit_form_then_the_search_page(client, corpus):
    client.force_login(corpus.bob)
    response = client.post(
        reverse("images:edit", args=[corpus.cafe.pk]),
        {"title": "Harbour bistro", "description": "", "alt_text": "", "tags": "fish"},
    )
    assert response.status_code == 302
    page = client.get(reverse("search:results"), {"q": "#fish bistro"}).content.decode()
    assert "<mark>bistro</mark>" in page
    assert (
        "No results" in client.get(reverse("search:results"), {"q": "beachside"}).content.decode()
    )


def test_a_bulk_update_is_indexed_too(corpus):
    Image.objects.filter(user=corpus.bob).update(title="Renamed in bulk")
    assert titles("renamed bulk", corpus.alice) == {"Renamed in bulk"}


def _plan(queryset) -> str:
    if connection.vendor == "postgresql":
        # Small, freshly written tables (the GIN index's pending list not yet merged by a
        # vacuum) make walking a b-tree in date order look cheapest: forbid plain scans to see
        # which index answers the text search (a GIN index is read by a bitmap scan).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


@pytest.mark.parametrize("text", ["sunset", '"golden hour"', "sun", "golden -dog site:example.com"])
def test_searches_read_the_full_text_index(corpus, text):
    Image.objects.bulk_create(
        Image(user=corpus.bob, title=f"Filler picture {n}", url=f"https://f.test/{n}.jpg")
        for n in range(300)
    )
    plan = _plan(_images(parse(text), viewer=corpus.alice, sort="relevance")[:25])
    if connection.vendor == "postgresql":
        assert "images_image_search_idx" in plan, plan
        assert "Seq Scan on images_image" not in plan, plan
    else:
        assert "VIRTUAL TABLE INDEX" in plan and "search_image_fts" in plan, plan
        assert "SCAN images_image" not in plan, plan  # images reached by rowid, not scanned


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm: PostgreSQL only")
def test_people_and_board_suggestions_read_their_trigram_indexes(corpus):
    if not has_trigrams():
        pytest.skip("pg_trgm is not installed here")
    # A typo, found by trigrams: the index answers once for the query (a subquery that named
    # the outer row checked every person instead, never using it).
    people = _plan(_people(parse("alcie"))[:5])
    assert "account_user_search_trgm_idx" in people, people
    boards = _plan(Board.objects.filter(name__icontains="holiday")[:5])
    assert "boards_board_name_trgm_idx" in boards, boards
