"""Export: one POST gives a streamed ZIP of the originals, manifest.json and images.csv."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from account.services import follow_user
from boards.services import create_board, save_to_board
from images.services import like_image
from portability.export import export_data, stream_export
from portability.manifest import check_manifest
from tests.factories import make_image, make_user

from .helpers import export_bytes, furnish, make_noisy_image, manifest_of

pytestmark = pytest.mark.django_db


def test_the_zip_holds_originals_manifest_and_csv(auth_client, user, other_user):
    made = furnish(user, other_user)
    archive = export_bytes(auth_client)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert zipped.testzip() is None
        names = zipped.namelist()
        manifest = check_manifest(manifest_of(archive))  # our own schema accepts it
        by_title = {record["title"]: record for record in manifest["images"]}
        assert set(by_title) == {"Sea at dawn", "Gift idea", "Plain"}  # not the other's
        for title, record in by_title.items():
            content = zipped.read(record["file"])
            assert hashlib.sha256(content).hexdigest() == record["sha256"]
            assert len(content) == record["size"]
            with made[
                {"Sea at dawn": "sea", "Gift idea": "gift", "Plain": "plain"}[title]
            ].image.open("rb") as original:
                assert original.read() == content
        rows = list(csv.DictReader(io.StringIO(zipped.read("images.csv").decode("utf-8-sig"))))
    assert sorted(names) == sorted(
        [r["file"] for r in manifest["images"]] + ["manifest.json", "images.csv"]
    )
    sea = by_title["Sea at dawn"]
    assert sea["tags"] == ["blue", "sea"]
    assert sea["description"] == "Calm sea.\nSecond line, “quoted”."
    assert sea["alt_text"] == "A blue square"
    assert sea["page_url"] == "https://pages.example/sea"
    assert sea["url"] == made["sea"].url
    assert sea["created"] == made["sea"].created.isoformat()
    assert by_title["Gift idea"]["private"] is True and sea["private"] is False
    boards = {b["name"]: b for b in manifest["boards"]}
    assert boards["Presents"]["visibility"] == "secret"
    assert boards["Trips"]["visibility"] == "public"
    assert boards["Trips"]["entries"] == [
        {"file": sea["file"]},
        {"owner": "bob", "url": made["theirs"].url, "title": "Their lake"},
        {"file": by_title["Plain"]["file"]},
    ]
    assert {"owner": "bob", "url": made["theirs"].url, "title": "Their lake"} in manifest["likes"]
    assert {"file": sea["file"]} in manifest["likes"]
    assert manifest["follows"] == ["bob"]
    assert manifest["account"] == {"username": "alice", "private_by_default": True}
    assert {row["title"]: row["tags"] for row in rows}["Sea at dawn"] == "blue sea"
    assert {row["title"]: row["private"] for row in rows}["Gift idea"] == "True"


def test_the_answer_is_a_streamed_attachment(auth_client, user):
    make_image(user)
    response = auth_client.post(reverse("portability:export"))
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="bookmarks-alice-')
    assert response["Cache-Control"] == "no-store"
    assert "Content-Length" not in response


def test_chunks_stay_small_whatever_the_archive(user, settings):
    for n in range(6):
        make_noisy_image(user, title=f"Big {n}", side=400)  # about 480 kB each
    chunks = list(stream_export(export_data(user)))
    assert len(chunks) > 3
    assert max(len(c) for c in chunks) < 2 * 256 * 1024 + 64 * 1024  # about CHUNK, never all


def test_export_queries_do_not_grow_with_rows(user, other_user, django_assert_num_queries):
    def queries_for_one_image_board_like_follow():
        with django_assert_num_queries(9):
            list(stream_export(export_data(user)))

    one = make_image(user)
    board = create_board(owner=user, name="One")
    save_to_board(user=user, image_id=one.id, board_id=board.id)
    like_image(user=user, image_id=one.id, like=True)
    follow_user(user_from=user, user_to=make_user("followed"), follow=True)
    queries_for_one_image_board_like_follow()
    furnish(user, other_user)
    for n in range(5):
        make_user(f"p{n}")
        make_image(user, title=f"More {n}")
    queries_for_one_image_board_like_follow()


def test_an_image_whose_file_went_missing_is_left_out(auth_client, user):
    gone = make_image(user, title="Gone")
    kept = make_image(user, title="Kept")
    gone.image.storage.delete(gone.image.name)
    manifest = manifest_of(export_bytes(auth_client))
    assert [r["title"] for r in manifest["images"]] == [kept.title]


def test_export_answers_post_only_logged_in_with_csrf(client, user):
    assert client.get(reverse("portability:export")).status_code == 405
    response = client.post(reverse("portability:export"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("portability:export")).status_code == 403


def test_exports_are_rate_limited_per_person(auth_client, user, settings, redis_client):
    settings.RATE_LIMITS = {"export": (2, 3600)}
    for _ in range(2):
        assert auth_client.post(reverse("portability:export")).status_code == 200
    response = auth_client.post(reverse("portability:export"))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_the_profile_page_offers_the_export(auth_client):
    page = auth_client.get(reverse("edit")).content.decode()
    assert f'action="{reverse("portability:export")}"' in page
    assert reverse("portability:import") in page
    assert reverse("portability:delete") in page
    assert reverse("portability:password_set") not in page  # alice has a password


def test_a_title_like_a_formula_stays_text_in_the_csv(auth_client, user):
    make_image(user, title='=HYPERLINK("http://evil.example")')
    archive = export_bytes(auth_client)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        raw = zipped.read("images.csv").decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(raw)))
    assert row["title"] == '\'=HYPERLINK("http://evil.example")'
    assert manifest_of(archive)["images"][0]["title"].startswith("=HYPERLINK")  # JSON as is


def test_someone_else_s_image_made_private_since_is_left_out(user, other_user):
    from images.visibility import set_image_private

    theirs = make_image(other_user, title="Harbour")
    board = create_board(owner=user, name="Seen")
    save_to_board(user=user, image_id=theirs.pk, board_id=board.pk)
    like_image(user=user, image_id=theirs.pk, like=True)
    data = export_data(user)
    assert data.likes and data.boards[0]["entries"]  # while it is public
    set_image_private(image=theirs, private=True)
    theirs.title = "Only mine now"
    theirs.save(update_fields=["title"])
    data = export_data(user)
    assert data.likes == [] and data.boards[0]["entries"] == []
