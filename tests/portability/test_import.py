"""Import: an export comes back whole (acceptance 5), what is there is skipped and counted,
and every bad archive is refused with a reason, changing nothing."""

import copy
import io
import json
import os
import stat
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from account.models import Contact
from account.services import delete_account
from boards.models import Board, BoardEntry
from images.models import Image
from tests.factories import make_image, make_user, png_bytes

from .helpers import (
    build_zip,
    export_bytes,
    furnish,
    manifest_of,
    post_import,
    rezip,
    snapshot,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def media_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    if not os.path.exists(root):
        return set()
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    }


def everything() -> dict:
    """Counts of every table an import writes."""
    return {
        "images": Image.objects.count(),
        "boards": Board.objects.count(),
        "entries": BoardEntry.objects.count(),
        "likes": Image.users_like.through.objects.count(),
        "follows": Contact.objects.count(),
        "tags": Image.tags.through.objects.count(),
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- acceptance 5: the round trip ------------------------------------------------------------


def test_export_then_import_into_a_fresh_account_gives_the_same_data(
    user, other_user, django_capture_on_commit_callbacks, settings
):
    furnish(user, other_user)
    before = snapshot(user)
    archive = export_bytes(logged_in(user))
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=user)  # nothing of alice is left on the site
    assert not Image.objects.filter(title="Sea at dawn").exists()

    again = make_user("alice")
    response = post_import(logged_in(again), archive)
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "3</strong> images added" in response.content.decode()
    after = snapshot(again)
    assert after == before  # bytes, tags, privacy, texts, dates, boards' order, likes, follows
    assert Board.objects.get(owner=again, name="Presents").visibility == "secret"


def test_import_into_a_second_account_on_another_site_database(user, other_user):
    """The same, into someone else (as a second site would hold it): the other person's image
    on the board and the like come back because this site has it."""
    furnish(user, other_user)
    before = snapshot(user)
    archive = export_bytes(logged_in(user))
    carol = make_user("carol")
    assert post_import(logged_in(carol), archive).status_code == 200
    after = snapshot(carol)
    assert after["images"] == before["images"]
    assert after["boards"] == before["boards"]
    assert after["likes"] == ["Sea at dawn", "Their lake"]  # carol's own Sea, and bob's lake
    assert after["follows"] == ["bob"]
    lake = Image.objects.get(title="Their lake")
    assert lake.total_likes == lake.users_like.count() == 2


def test_importing_twice_skips_everything_and_counts_it(user, other_user):
    furnish(user, other_user)
    client = logged_in(user)
    archive = export_bytes(client)
    before, counts = snapshot(user), everything()
    response = post_import(client, archive)
    assert response.status_code == 200
    page = response.content.decode()
    assert "0</strong> images added" in page
    assert "3</strong> skipped (already here)" in page
    assert "2</strong> merged into boards of the same name" in page
    assert snapshot(user) == before and everything() == counts


def test_the_same_bytes_under_another_address_are_skipped(user, other_user):
    image = make_image(user, title="Kept", url="https://a.example/1.png")
    archive = export_bytes(logged_in(user))
    manifest = manifest_of(archive)
    manifest["images"][0]["url"] = "https://elsewhere.example/other.png"
    response = post_import(logged_in(user), rezip(archive, manifest=manifest))
    assert response.status_code == 200, response.context["form"].errors
    assert "1</strong> skipped" in response.content.decode()
    assert list(Image.objects.filter(user=user)) == [image]


def test_imported_images_get_new_unguessable_file_names(user):
    make_image(user, title="Mine")
    archive = export_bytes(logged_in(user))
    carol = make_user("carol")
    post_import(logged_in(carol), archive)
    name = Image.objects.get(user=carol).image.name
    stem = name.rsplit("/", 1)[-1].split(".")[0]
    assert len(stem.rsplit("-", 1)[-1]) == 32  # 128 random bits


# --- refusals: a clear 400, and nothing changed ----------------------------------------------


def zip_with_info(name: str, content: bytes, *, mode: int | None = None, manifest=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        if manifest:
            zipped.writestr("manifest.json", b"{}")
        info = zipfile.ZipInfo(name)
        if mode is not None:
            info.external_attr = mode << 16
        zipped.writestr(info, content)
    return buffer.getvalue()


def bomb() -> bytes:
    return build_zip({"manifest.json": b"{}", "images/zeros.png": b"\0" * (2 * 1024 * 1024)})


def many_entries() -> bytes:
    return build_zip({f"images/{n}.png": b"x" for n in range(10_001)}, compress=zipfile.ZIP_STORED)


def export_of_two(user):
    """An honest export (of two images), for the refusals that spoil one part of it."""
    make_image(user, title="One")
    make_image(user, title="Two", color=(1, 1, 1))
    return export_bytes(logged_in(user))


BAD_MANIFESTS = {
    "not JSON": (b"{not json", "not valid JSON"),
    "not UTF-8": (b'{"format": "\xff"}', "not valid JSON"),
    "a list": (b"[]", "must be an object"),
    "no images": (lambda m: m.pop("images"), "lacks images"),
    "unknown field": (lambda m: m.update(extra=1), "unknown fields (extra)"),
    "other format": (lambda m: m.update(format="pinry"), "format must be"),
    "version 2": (lambda m: m.update(version=2), "version must be 1"),
    "title a number": (lambda m: m["images"][0].update(title=5), "images[0].title must be text"),
    "empty title": (lambda m: m["images"][0].update(title=" "), "images[0].title is empty"),
    "long title": (lambda m: m["images"][0].update(title="x" * 201), "longer than 200"),
    "bad tag": (lambda m: m["images"][0].update(tags=["two words"]), "images[0].tags[0]"),
    "private text": (lambda m: m["images"][0].update(private="yes"), "must be true or false"),
    "bad date": (lambda m: m["images"][0].update(created="yesterday"), "not a date"),
    "naive date": (lambda m: m["images"][0].update(created="2025-01-01T10:00:00"), "time zone"),
    "javascript url": (lambda m: m["images"][0].update(url="javascript:alert(1)"), "http://"),
    "bad sha": (lambda m: m["images"][0].update(sha256="abc"), "sha256"),
    "file outside": (lambda m: m["images"][0].update(file="../x.png"), "under images/"),
    "file missing": (lambda m: m["images"][0].update(file="images/nope.png"), "not in the archive"),
    "wrong size": (lambda m: m["images"][0].update(size=7), "not the size"),
    "bad visibility": (
        lambda m: m["boards"].append({**BOARD, "visibility": "hidden"}),
        "visibility",
    ),
    "entry unknown": (
        lambda m: m["boards"].append({**BOARD, "entries": [{"file": "images/zz.png"}]}),
        "not one of the images",
    ),
    "entry ref junk": (lambda m: m["boards"].append({**BOARD, "entries": [{"x": 1}]}), "lacks"),
    "follows numbers": (lambda m: m.update(follows=[1]), "follows[0] must be text"),
}
BOARD = {
    "name": "B",
    "description": "",
    "visibility": "public",
    "created": "2025-01-01T10:00:00+00:00",
    "updated": "2025-01-01T10:00:00+00:00",
    "collaborators": [],
    "entries": [],
}


def spoiled(archive: bytes, how) -> bytes:
    if isinstance(how, bytes):
        return rezip(archive, manifest=how)
    manifest = copy.deepcopy(manifest_of(archive))
    how(manifest)
    return rezip(archive, manifest=manifest)


@pytest.mark.parametrize("case", sorted(BAD_MANIFESTS))
def test_a_manifest_not_of_our_schema_is_refused_and_nothing_changes(user, settings, case):
    archive = export_of_two(user)
    how, reason = BAD_MANIFESTS[case]
    carol = make_user("carol")
    counts, files = everything(), media_files(settings)
    response = post_import(logged_in(carol), spoiled(archive, how))
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page.replace("&quot;", '"').replace("&#x27;", "'"), page[:3000]
    assert everything() == counts and media_files(settings) == files


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda: zip_with_info("../evil.png", png_bytes()), "points outside the archive"),
        (lambda: zip_with_info("images/../../evil.png", png_bytes()), "points outside"),
        (lambda: zip_with_info("/etc/evil.png", png_bytes()), "points outside"),
        (lambda: zip_with_info("C:/evil.png", png_bytes()), "points outside"),
        (lambda: zip_with_info("images\\..\\evil.png", png_bytes()), "points outside"),
        (lambda: zip_with_info("images/link.png", b"/etc/passwd", mode=stat.S_IFLNK | 0o777),
         "symbolic link"),
        (bomb, "ZIP bomb"),
        (many_entries, "10,001 files"),
        (lambda: b"PK\x03\x04 this is no zip", "not a ZIP archive"),
        (lambda: png_bytes(), "not a ZIP archive"),
        (lambda: zip_with_info("images/a.png", png_bytes(), manifest=False), "no manifest.json"),
        (lambda: zip_with_info("notes.txt", b"hello"), "not part of an export"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "drive", "backslash", "symlink", "bomb",
         "entries", "garbage", "png", "no-manifest", "stray"],
)  # fmt: skip
def test_dangerous_archives_are_refused_and_nothing_changes(user, settings, make, reason):
    counts, files = everything(), media_files(settings)
    response = post_import(logged_in(user), make())
    assert response.status_code == 400
    assert reason in response.content.decode().replace("&#x27;", "'")
    assert everything() == counts and media_files(settings) == files


def test_an_entry_over_the_total_cap_is_refused(user, settings):
    settings.IMPORT_MAX_TOTAL_BYTES = 1000
    archive = export_of_two(user)
    response = post_import(logged_in(make_user("carol")), archive)
    assert response.status_code == 400
    assert "unpacks to more than 1000 bytes" in response.content.decode()


def test_an_archive_over_the_upload_cap_is_refused(user, settings):
    archive = export_of_two(user)
    settings.IMPORT_MAX_BYTES = 100
    response = post_import(logged_in(user), archive)
    assert response.status_code == 400
    assert "larger than 100 bytes" in response.content.decode()


def test_a_file_that_is_no_image_refuses_the_whole_import_and_leaves_no_file(user, settings):
    """The second file fails the upload checks: the first one's files (stored by then) go."""
    archive = export_of_two(user)
    manifest = manifest_of(archive)
    import hashlib

    fake = b"GIF89a but not really an image" * 10
    manifest["images"][1].update(sha256=hashlib.sha256(fake).hexdigest(), size=len(fake))
    spoilt = rezip(archive, manifest=manifest, drop={manifest["images"][1]["file"]},
                   extra={manifest["images"][1]["file"]: fake})  # fmt: skip
    carol = make_user("carol")
    counts, files = everything(), media_files(settings)
    response = post_import(logged_in(carol), spoilt)
    assert response.status_code == 400
    assert "not a JPEG, PNG, GIF, WebP, HEIC or AVIF image" in response.content.decode()
    assert everything() == counts and media_files(settings) == files


def test_a_file_that_differs_from_its_sha256_is_refused(user, settings):
    archive = export_of_two(user)
    manifest = manifest_of(archive)
    other = png_bytes(color=(9, 9, 9))
    manifest["images"][0]["size"] = len(other)
    spoilt = rezip(archive, manifest=manifest, drop={manifest["images"][0]["file"]},
                   extra={manifest["images"][0]["file"]: other})  # fmt: skip
    carol = make_user("carol")
    counts = everything()
    response = post_import(logged_in(carol), spoilt)
    assert response.status_code == 400
    assert "SHA-256 differs" in response.content.decode()
    assert everything() == counts


def test_a_failure_while_writing_rows_removes_the_stored_files(user, settings, monkeypatch):
    archive = export_of_two(user)
    carol = make_user("carol")
    counts, files = everything(), media_files(settings)
    from portability import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_restore_boards", broken)
    with pytest.raises(RuntimeError):
        services.import_archive(user=carol, archive=io.BytesIO(archive))
    assert everything() == counts and media_files(settings) == files


def test_a_damaged_entry_is_refused(user):
    archive = bytearray(export_of_two(user))
    at = archive.find(b"IHDR")  # inside the first PNG, stored as is
    archive[at + 10] ^= 0xFF
    response = post_import(logged_in(make_user("carol")), bytes(archive))
    assert response.status_code == 400
    assert "is damaged" in response.content.decode()


# --- the page ----------------------------------------------------------------------------------


def test_the_import_page_needs_login_and_shows_the_form(client, user):
    response = client.get(reverse("portability:import"))
    assert response.status_code == 302
    client.force_login(user)
    page = client.get(reverse("portability:import")).content.decode()
    assert 'name="archive"' in page and 'enctype="multipart/form-data"' in page


def test_posting_no_file_is_a_400_with_a_reason(auth_client):
    response = auth_client.post(reverse("portability:import"), {})
    assert response.status_code == 400
    assert "Choose the ZIP file of an export." in response.content.decode()


def test_import_needs_csrf(user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(reverse("portability:import"), {})
    assert response.status_code == 403


def test_imports_are_rate_limited_per_person(auth_client, settings):
    settings.RATE_LIMITS = {"import": (2, 3600)}
    for _ in range(2):
        assert post_import(auth_client, b"no zip").status_code == 400
    assert post_import(auth_client, b"no zip").status_code == 429


def test_import_writes_a_fixed_number_of_queries_per_image(user, django_assert_max_num_queries):
    """Rows cost a query or so per image (its INSERT), never per tag, board entry or like."""
    for n in range(6):
        image = make_image(user, title=f"Image {n}", color=(n, 2 * n, 3 * n))
        image.tags.set([f"t{n}", "shared"])
    archive = export_bytes(logged_in(user))
    carol = make_user("carol")
    from portability.services import import_archive

    with django_assert_max_num_queries(40):
        import_archive(user=carol, archive=io.BytesIO(archive))
    counts = (
        Image.objects.filter(user=carol).annotate(n=Count("tagged")).values_list("n", flat=True)
    )
    assert sorted(counts) == [2] * 6
    assert json.loads(json.dumps(manifest_of(archive)))["version"] == 1
