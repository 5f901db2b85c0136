"""/images/bookmarklet/strings.js: the overlay's words for other sites' pages."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

PREFIX = "(window.__bookmarksBookmarklet || {}).strings = {catalog: "


def catalog_in(response) -> dict:
    code = response.content.decode()
    assert code.startswith(PREFIX)
    return json.loads(code[len(PREFIX) : code.index(", plural: function (n)")])


def test_english_has_no_entries_and_is_public_javascript(client):
    response = client.get(reverse("images:bookmarklet_strings"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "public" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    assert catalog_in(response) == {}


def test_german_has_only_the_overlays_entries(client):
    call_command("compilemessages", locale=["de"], ignore_patterns=[".venv", "tests"], verbosity=0)
    response = client.get(reverse("images:bookmarklet_strings"), HTTP_ACCEPT_LANGUAGE="de")
    catalog = catalog_in(response)
    assert catalog["Close"] == "Schließen"
    found = catalog["%(count)s image found. Pick it to bookmark it."]
    assert found[1].startswith("%(count)s Bilder")
    assert "Load more" not in catalog  # site.js's, not the overlay's
    assert "var v = ((n != 1));" in response.content.decode()
