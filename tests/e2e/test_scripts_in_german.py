"""The scripts speak the visitor's language: on our pages through /jsi18n/, in the bookmarklet's
overlay on somebody else's page through /images/bookmarklet/strings.js (never the page's own
`gettext`), and in the picker window."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import login_context

pytestmark = pytest.mark.e2e

OVERLAY = "#bm-bookmarklet-root"


@pytest.fixture(scope="module", autouse=True)
def _german_catalogue():
    # The catalogues are compiled at deploy (never committed): compile the German one here.
    call_command("compilemessages", locale=["de"], ignore_patterns=[".venv", "tests"], verbosity=0)


@pytest.fixture
def german(browser, live_server, alice):
    context = login_context(browser, live_server, alice, locale="de-DE")
    yield context
    context.close()


@pytest.fixture
def page(german):
    return german.new_page()


def test_overlay_speaks_german_and_leaves_the_pages_gettext_alone(page, launcher, site, shot):
    site.image("/photos/beach.jpg", (600, 400))
    site.image("/photos/dunes.jpg", (500, 400))
    url = site.page(
        "/urlaub.html",
        "Urlaubsfotos",
        "<script>window.gettext = function () { return 'the page'; };</script>"
        '<img src="/photos/beach.jpg" alt="Strand"><img src="/photos/dunes.jpg" alt="">',
    )
    page.goto(url)
    page.evaluate(launcher)

    expect(page.locator(f"{OVERLAY} .bm-pick")).to_have_count(2)
    title = page.locator(f"{OVERLAY} .bm-title")
    expect(title).to_have_text("Bookmarks · Wähle ein Bild zum Merken")
    expect(page.locator(f"{OVERLAY} .bm-status")).to_have_text(
        "2 Bilder gefunden. Wähle eins aus, um es zu merken."
    )
    expect(page.locator(f"{OVERLAY} .bm-close")).to_have_attribute("aria-label", "Schließen")
    expect(page.locator(f"{OVERLAY} .bm-pick .bm-sr").first).to_have_text("Merken ")
    assert page.evaluate("gettext('Close')") == "the page"
    assert page.evaluate("typeof window.django") == "undefined"
    shot(page, "overlay-de")


def test_overlay_falls_back_to_english_when_its_words_cannot_load(page, launcher, site):
    site.image("/photos/beach.jpg", (600, 400))
    url = site.page("/urlaub.html", "Urlaubsfotos", '<img src="/photos/beach.jpg" alt="">')
    page.route("**/images/bookmarklet/strings.js", lambda route: route.abort())
    page.goto(url)
    page.evaluate(launcher)

    expect(page.locator(f"{OVERLAY} .bm-status")).to_have_text(
        "1 image found. Pick it to bookmark it."
    )
    expect(page.locator(f"{OVERLAY} .bm-close")).to_have_attribute("aria-label", "Close")


def test_picker_window_and_site_scripts_speak_german(page, live_server):
    page.goto(live_server.url + "/images/pick/")
    expect(page.locator("[data-picker-status]")).to_have_text(
        "Von keiner Seite sind Bilder angekommen.", timeout=8_000
    )
    assert page.evaluate("[gettext('Load more'), pgettext('verb', 'Save')]") == [
        "Mehr laden",
        "Merken",
    ]
