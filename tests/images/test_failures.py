"""A failure in the middle of saving an upload leaves no half-made image: no row without a
file, no file without a row, and the person sees a message, not a 500. (A download is saved by
a job: tests/images/test_jobs.py.)"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from actions.models import Action
from images.models import Image
from tests.images.imagedata import make_image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload():
    def make(title="Doomed"):
        photo = SimpleUploadedFile("photo.jpg", make_image_bytes("JPEG", (640, 480)))
        return {"title": title, "image": photo}

    return make


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_database_failure_while_saving_leaves_no_file_and_no_row(auth_client, upload, settings):
    def refuse_image_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "images_image"'):
            raise OperationalError("database is gone for a moment")
        return execute(sql, params, many, context)

    before = Action.objects.count()
    with connection.execute_wrapper(refuse_image_insert):
        response = auth_client.post(reverse("images:create"), upload())
    assert response.status_code == 503
    assert "We could not save the image just now" in response.content.decode()
    assert Image.objects.count() == 0
    assert Action.objects.count() == before
    assert stored_files(settings) == []


def test_failure_after_the_row_is_written_rolls_it_back_and_removes_files(
    auth_client, upload, settings
):
    def refuse_action_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "actions_action"'):
            raise OperationalError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_action_insert):
        response = auth_client.post(reverse("images:create"), upload())
    assert response.status_code == 503
    assert Image.objects.count() == 0
    assert stored_files(settings) == []


def test_storage_failure_leaves_no_row(auth_client, upload, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker  # every write below it fails with an OSError
    response = auth_client.post(reverse("images:create"), upload())
    assert response.status_code == 503
    assert "We could not save the image just now" in response.content.decode()
    assert Image.objects.count() == 0


def test_success_leaves_exactly_the_image_and_its_thumbnails(auth_client, upload, settings):
    auth_client.post(reverse("images:create"), upload("Fine"))
    image = Image.objects.get()
    expected = {image.image.name} | {t["name"] for t in image.thumbnails.values()}
    names = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files(settings)}
    assert names == expected
