"""Acceptance 4 (without a browser): the OpenAPI schema validates, and the docs page is served
from our own static files (no other origin, no inline script). tests/e2e/test_api.py opens it
in real Chromium."""

import re

from django.contrib.staticfiles import finders
from openapi_spec_validator import validate


def test_the_schema_is_valid_openapi_3(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    paths = set(schema["paths"])
    for path in ("/api/v1/me/", "/api/v1/images/", "/api/v1/images/{image_id}/",
                 "/api/v1/boards/", "/api/v1/boards/{board_id}/", "/api/v1/search/",
                 "/api/v1/feed/", "/api/v1/notifications/"):  # fmt: skip
        assert path in paths
    assert {"BearerToken", "Session"} <= set(schema["components"]["securitySchemes"])


def test_the_docs_page_uses_only_our_static_files(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), source
    # Scripts are files: the one inline <script> is a JSON data block, which never runs.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
