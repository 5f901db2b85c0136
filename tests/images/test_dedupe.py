"""Duplicates (issue 19): the normalised address, the same bytes, the look-alike, files stored
once and shared, reference-counted deletion, and similar images by multi-index hashing."""

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image as PILImage

from images import dedupe
from images.models import Image, ImageHashKey, Status
from images.services import AlreadyBookmarked, import_image
from tests.factories import make_user
from tests.images.imagedata import make_picture, make_picture_bytes

pytestmark = pytest.mark.django_db

PHOTO = make_picture_bytes(0, (1200, 900), quality=92)


def resized_copy() -> bytes:
    buffer = io.BytesIO()
    make_picture(0, (1200, 900)).resize((480, 360)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def reencoded_copy() -> bytes:
    buffer = io.BytesIO()
    PILImage.open(io.BytesIO(PHOTO)).save(buffer, "WEBP", quality=45)
    return buffer.getvalue()


DIFFERENT = make_picture_bytes(1, (1200, 900))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("HTTPS://Example.COM/a.jpg", "https://example.com/a.jpg"),
        ("http://example.com/a.jpg", "https://example.com/a.jpg"),
        ("https://example.com:443/a.jpg", "https://example.com/a.jpg"),
        ("http://example.com:80/a.jpg", "https://example.com/a.jpg"),
        ("https://example.com/a.jpg#top", "https://example.com/a.jpg"),
        ("https://example.com/a.jpg?utm_source=x&utm_medium=y", "https://example.com/a.jpg"),
        ("https://example.com/a.jpg?fbclid=abc", "https://example.com/a.jpg"),
        ("https://example.com/a.jpg?gclid=1&w=800", "https://example.com/a.jpg?w=800"),
        ("https://example.com/a.jpg?w=800&mc_eid=9&h=600", "https://example.com/a.jpg?w=800&h=600"),
        ("https://example.com/photos/", "https://example.com/photos"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com./a.jpg", "https://example.com/a.jpg"),
        ("https://example.com/a.jpg?", "https://example.com/a.jpg"),
        ("https://example.com/a.jpg?UTM_Campaign=z", "https://example.com/a.jpg"),
    ],
)
def test_addresses_of_one_image_normalise_alike(one, other):
    assert dedupe.normalise_url(one) == dedupe.normalise_url(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.com/a.jpg?w=800&h=600", "https://example.com/a.jpg?h=600&w=800"),
        ("https://example.com:8443/a.jpg", "https://example.com/a.jpg"),
        ("https://example.com/A.jpg", "https://example.com/a.jpg"),
        ("https://example.com/a.jpg?id=1", "https://example.com/a.jpg?id=2"),
        ("https://cdn.example.com/a.jpg", "https://example.com/a.jpg"),
    ],
)
def test_addresses_of_different_images_stay_apart(one, other):
    assert dedupe.normalise_url(one) != dedupe.normalise_url(other)


def upload(client, content, title="Photo", **extra):
    photo = SimpleUploadedFile("photo.jpg", content)
    return client.post(reverse("images:create"), {"title": title, "image": photo, **extra})


def test_a_bookmark_of_the_same_address_written_differently_is_caught_in_the_form(
    auth_client, user
):
    first = Image.objects.create(
        user=user,
        title="Saved",
        url="https://example.com/a.jpg",
        url_normalized=dedupe.normalise_url("https://example.com/a.jpg"),
    )
    response = auth_client.post(
        reverse("images:create"),
        {"title": "Again", "url": "http://EXAMPLE.com/a.jpg?utm_source=feed#x"},
    )
    assert response.status_code == 302 and response.url == first.get_absolute_url()
    assert Image.objects.count() == 1
    page = auth_client.get(response.url).content.decode()
    assert "You saved this already" in page


def test_the_same_bytes_uploaded_again_is_you_saved_this_already(auth_client):
    upload(auth_client, PHOTO)
    first = Image.objects.get()
    response = upload(auth_client, PHOTO, title="Again")
    assert response.status_code == 302 and response.url == first.get_absolute_url()
    assert Image.objects.count() == 1


@pytest.mark.parametrize("copy", [resized_copy, reencoded_copy], ids=["resized", "re-encoded"])
def test_a_look_alike_is_held_with_both_pictures_and_a_choice(auth_client, copy):
    upload(auth_client, PHOTO)
    first = Image.objects.get()
    response = upload(auth_client, copy(), title="Copy")
    held = Image.objects.exclude(pk=first.pk).get()
    assert held.status == Status.SIMILAR and held.duplicate_of == first
    assert dedupe.distance(held.phash, first.phash) <= dedupe.SAME_DISTANCE
    page = auth_client.get(response.url).content.decode()
    assert "This looks like an image you saved" in page
    assert first.thumbnails["list"]["name"] in page and held.thumbnails["list"]["name"] in page
    assert "Save anyway" in page and "Go to it" in page
    # Nobody else sees a held image.
    assert not Image.objects.visible_to(None).filter(pk=held.pk).exists()


def test_a_different_picture_is_not_a_look_alike(auth_client):
    upload(auth_client, PHOTO)
    upload(auth_client, DIFFERENT, title="Other")
    assert set(Image.objects.values_list("status", flat=True)) == {Status.READY}


def test_save_anyway_makes_it_ready_and_go_to_it_removes_it(auth_client):
    upload(auth_client, PHOTO)
    first = Image.objects.get()
    upload(auth_client, resized_copy(), title="Keep")
    kept = Image.objects.get(title="Keep")
    auth_client.post(reverse("images:keep"), {"id": kept.pk, "next": kept.get_absolute_url()})
    kept.refresh_from_db()
    assert kept.status == Status.READY and kept.duplicate_of is None
    upload(auth_client, reencoded_copy(), title="Drop")
    dropped = Image.objects.get(title="Drop")
    response = auth_client.post(
        reverse("images:discard"), {"id": dropped.pk, "next": first.get_absolute_url()}
    )
    assert response.status_code == 302 and response.url == first.get_absolute_url()
    assert not Image.objects.filter(pk=dropped.pk).exists()


def test_another_person_may_save_the_same_bytes(auth_client, other_user):
    upload(auth_client, PHOTO)
    theirs = import_image(user=other_user, content=PHOTO, title="Mine too")
    assert theirs.status == Status.READY


def test_importers_get_the_same_checks(user):
    import_image(user=user, content=PHOTO, title="First", url="https://example.com/p.jpg")
    with pytest.raises(AlreadyBookmarked):
        import_image(user=user, content=DIFFERENT, title="Same address",
                     url="http://example.com/p.jpg?utm_medium=email")  # fmt: skip
    with pytest.raises(AlreadyBookmarked):
        import_image(user=user, content=PHOTO, title="Same bytes")
    assert import_image(user=user, content=resized_copy(), title="Look").status == Status.SIMILAR


# --- files stored once ----------------------------------------------------------------------


def stored(settings):
    root = settings.MEDIA_ROOT
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_two_owners_share_one_original_and_deleting_goes_by_references(
    user, other_user, settings, django_capture_on_commit_callbacks
):
    mine = import_image(user=user, content=PHOTO, title="Mine")
    theirs = import_image(user=other_user, content=PHOTO, title="Theirs")
    assert mine.image.name == theirs.image.name
    assert mine.thumbnails == theirs.thumbnails
    files = stored(settings)
    assert len([f for f in files if f.endswith(".jpg") and f.count(".") == 1]) == 1
    with mine.image.open("rb") as original:
        assert original.read() == PHOTO  # kept byte for byte
    with django_capture_on_commit_callbacks(execute=True):
        mine.delete()
    assert stored(settings) == files  # the other row still shows them
    with django_capture_on_commit_callbacks(execute=True):
        theirs.delete()
    assert stored(settings) == set()


def test_the_stored_name_is_not_the_plain_sha256(user):
    image = import_image(user=user, content=PHOTO, title="Mine")
    assert image.sha256 == dedupe.fingerprint(PHOTO)
    assert image.sha256[:40] not in image.image.name


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_two_identical_uploads_at_the_same_moment_make_two_rows_and_one_file(settings):
    people = [make_user(f"p{n}") for n in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def save(person):
        from django.db import connections

        try:
            barrier.wait()
            import_image(user=person, content=PHOTO, title="Same")
        except Exception as error:  # pragma: no cover - shown by the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Image.objects.count() == 2
    assert len({name for name in Image.objects.values_list("image", flat=True)}) == 1
    originals = [f for f in stored(settings) if f.count(".") == 1]
    assert len(originals) == 1


# --- similar images -------------------------------------------------------------------------


def test_hash_keys_find_every_hash_within_ten_bits():
    import random

    rng = random.Random(19)
    for _ in range(200):
        value = rng.getrandbits(64)
        flipped = value
        for bit in rng.sample(range(64), rng.randint(0, 10)):
            flipped ^= 1 << bit
        signed = flipped - (1 << 64) if flipped >= 1 << 63 else flipped
        assert set(dedupe.hash_keys(signed)) & set(dedupe.probe_keys(value))


def test_similar_images_are_the_visible_look_alikes(client, user, other_user):
    mine = import_image(user=user, content=PHOTO, title="Mine")
    theirs = import_image(user=other_user, content=resized_copy(), title="Theirs")
    hidden = import_image(user=other_user, content=reencoded_copy(), title="Held")
    assert hidden.status == Status.SIMILAR  # like their own: only they see it
    import_image(user=other_user, content=DIFFERENT, title="Other")
    assert ImageHashKey.objects.filter(image=mine).count() == dedupe.BANDS
    page = client.get(mine.get_absolute_url()).content.decode()
    assert "Similar images" in page
    assert theirs.get_absolute_url() in page
    assert hidden.get_absolute_url() not in page
    assert "Other" not in page
    assert [i.pk for i in dedupe.similar_images(mine, viewer=other_user)] == [
        hidden.pk,
        theirs.pk,
    ] or {i.pk for i in dedupe.similar_images(mine, viewer=other_user)} == {hidden.pk, theirs.pk}


def test_similar_images_cost_two_queries_with_one_or_many(django_assert_num_queries, user):
    image = import_image(user=user, content=PHOTO, title="Mine")
    for n in range(1, 4):
        person = make_user(f"s{n}")
        import_image(user=person, content=resized_copy(), title=f"Copy {n}")
        with django_assert_num_queries(2):
            found = dedupe.similar_images(image, viewer=None)
        assert len(found) == n
