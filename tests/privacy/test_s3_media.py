"""With S3 media, private pictures are not public-read and are linked by signed, expiring
addresses; public ones stay readable by anyone. Against a real S3-compatible server
(moto_server, in memory), skipped where it is not installed."""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile

from bookmarks.storage import MediaStorage, new_private_folder

MOTO = shutil.which("moto_server")
pytestmark = pytest.mark.skipif(MOTO is None, reason="moto_server is not installed")


@pytest.fixture(scope="module")
def s3_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [MOTO, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("moto_server did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_private_objects_need_a_signed_url(s3_url, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    storage = MediaStorage(
        bucket_name="bookmarks-media",
        endpoint_url=s3_url,
        region_name="us-east-1",
        file_overwrite=False,
        querystring_auth=False,
    )
    storage.connection.meta.client.create_bucket(Bucket="bookmarks-media")
    public = storage.save("images/2026/12/02/a.png", ContentFile(b"public bytes"))
    private = storage.save(f"{new_private_folder()}/b.png", ContentFile(b"private bytes"))

    public_url = storage.url(public)
    assert "Signature" not in public_url and "X-Amz" not in public_url
    assert status(public_url) == 200

    signed = storage.url(private)
    assert "X-Amz-Signature" in signed or "Signature=" in signed
    assert status(signed) == 200
    unsigned = f"{s3_url}/bookmarks-media/{private}"
    assert status(unsigned) == 403  # not public-read
    acl = storage.connection.meta.client.get_object_acl(Bucket="bookmarks-media", Key=private)
    assert not any("AllUsers" in str(grant.get("Grantee")) for grant in acl["Grants"])
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
