"""The browser extension (extension/, built by `make extension`) loaded unpacked in real
Chromium: connecting it from the site, the toolbar picker on a normal page and on a page with a
strict Content-Security-Policy, saving several images at once to a board, and "Save to
Bookmarks" on one image; each time the images appear on the site.

What Playwright cannot do, and what the tests do instead:
- click the toolbar button or a context menu item: they call the background's own handlers
  (`bookmarksExtension.openPicker(tab)`, `.saveFromMenu(info, tab)`) in the extension's
  service worker, with the tab and the `info` object Chromium would pass;
- see into the picker's closed shadow root: they find its buttons through the DevTools
  protocol (DOM.getDocument with pierce) and click them with the real mouse at their boxes.
The "external" pages are on 127.0.0.1 like the site, so the extension's host permission for the
site covers them; in real use the toolbar click grants the page (activeTab).
"""

import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from api.models import Token
from boards.services import create_board
from images.models import Image
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "extension"))
from build import build  # noqa: E402

PICKER = "#bm-extension-root"
STRICT_CSP = "default-src 'self'; script-src 'none'; style-src 'none'; img-src 'self'"


@pytest.fixture(scope="module")
def unpacked(live_server, tmp_path_factory):
    """The Chromium build of the extension for the live server's address."""
    return build(live_server.url, tmp_path_factory.mktemp("extension"))["chromium"]


@pytest.fixture(scope="module")
def chromium_with_extension(browser, unpacked, tmp_path_factory):
    """A second Chromium, with a profile of its own and the extension loaded, started by the
    package's Playwright (one Playwright per thread; the `browser` fixture set its variables)."""
    profile = tmp_path_factory.mktemp("chromium-ext-profile")
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,  # the new headless mode, which runs extensions
        args=[
            *CHROMIUM_ARGS,
            f"--disable-extensions-except={unpacked}",
            f"--load-extension={unpacked}",
        ],
    )
    try:
        context.set_default_timeout(10_000)
        worker = context.service_workers[0] if context.service_workers else None
        yield context, worker or context.wait_for_event("serviceworker")
    finally:
        context.close()


@pytest.fixture
def extension(chromium_with_extension, live_server, alice):
    """The browser with the extension, logged in to the site as Alice, not yet connected."""
    context, worker = chromium_with_extension
    worker.evaluate("chrome.storage.local.clear()")
    context.clear_cookies()
    client = Client()
    client.force_login(alice)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    yield context, worker
    for page in context.pages[1:]:
        page.close()


def connect(context, live_server, *, viewport=(1280, 800), shot=None):
    page = context.new_page()
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(live_server.url + "/account/extension/connect/")
    status = page.locator("[data-connect-status]")
    expect(status).to_contain_text("The extension is installed in this browser")
    if shot:
        shot(page, f"extension-connect-{viewport[0]}", full_page=True)
    page.get_by_role("button", name="Connect the extension").click()
    expect(status).to_contain_text("Connected as alice")
    if shot:
        shot(page, f"extension-connected-{viewport[0]}", full_page=True)
    assert page.locator("[data-extension-token]").count() == 0  # taken off the page
    return page


def in_closed_root(page, selector: str) -> list[dict]:
    """The picker's elements matching `selector`, each {"box": (x, y), "html": outerHTML}."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        host = cdp.send("DOM.querySelector", {"nodeId": root["nodeId"], "selector": PICKER})
        described = cdp.send("DOM.describeNode", {"nodeId": host["nodeId"], "depth": 1})
        shadow = described["node"]["shadowRoots"][0]
        assert shadow["shadowRootType"] == "closed"
        ids = cdp.send(
            "DOM.pushNodesByBackendIdsToFrontend", {"backendNodeIds": [shadow["backendNodeId"]]}
        )["nodeIds"]
        found = cdp.send("DOM.querySelectorAll", {"nodeId": ids[0], "selector": selector})
        out = []
        for node in found["nodeIds"]:
            try:
                quad = cdp.send("DOM.getBoxModel", {"nodeId": node})["model"]["content"]
                box = (sum(quad[0::2]) / 4, sum(quad[1::2]) / 4)
            except PlaywrightError:  # not drawn (an <option>, a hidden element)
                box = None
            html = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
            out.append({"box": box, "html": html, "node": node})
        return out
    finally:
        cdp.detach()


def click(page, selector: str, index: int = 0):
    x, y = in_closed_root(page, selector)[index]["box"]
    page.mouse.click(x, y)


def open_picker(worker, page):
    worker.evaluate(
        """async (url) => {
            const [tab] = await chrome.tabs.query({url: url});
            await bookmarksExtension.openPicker(tab);
        }""",
        page.url,
    )


@pytest.fixture
def three_photos(site):
    for name, size in (("harbour", (640, 480)), ("dunes", (500, 350)), ("gulls", (800, 600))):
        site.image(f"/photos/{name}.jpg", size)
    site.image("/icons/16.png", (16, 16), "PNG")
    return (
        '<img src="/icons/16.png" alt="">'
        '<figure><img src="/photos/harbour.jpg" alt="Boats in the harbour" width="300">'
        "<figcaption>The harbour at dawn</figcaption></figure>"
        '<img src="/photos/dunes.jpg" alt="Dunes" width="250">'
        '<img src="/photos/gulls.jpg" alt="" width="300">'
    )


def test_connect_hands_over_a_write_token_without_copy_paste(extension, live_server, alice, shot):
    context, worker = extension
    connect(context, live_server, shot=shot)
    stored = worker.evaluate("chrome.storage.local.get(['token', 'username'])")
    assert stored["username"] == "alice" and stored["token"].startswith("bm_")
    token = Token.objects.get(user=alice)
    assert token.scope == "write" and token.name.startswith("Browser extension")


@pytest.mark.parametrize("csp", [None, STRICT_CSP], ids=["normal-page", "strict-csp-page"])
def test_picker_saves_several_images_to_a_board(
    extension, live_server, alice, site, three_photos, csp, shot
):
    context, worker = extension
    board = create_board(owner=alice, name="Seaside")
    connect(context, live_server).close()
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site.page("/coast.html", "A day at the coast", three_photos, csp=csp))
    if csp:  # the page's own scripts would be refused: the extension is not
        assert page.evaluate("1 + 1") == 2  # (Playwright's evaluate is not bound by CSP)
    open_picker(worker, page)
    host = page.locator(PICKER)
    expect(host).to_have_attribute("data-state", "ready")
    assert host.get_attribute("data-found") == "3"  # the bookmarklet's rules: no icon
    tiles = in_closed_root(page, ".pick")
    assert [t["html"].split('data-src="')[1].split('"')[0] for t in tiles] == [
        site.url("/photos/harbour.jpg"),
        site.url("/photos/dunes.jpg"),
        site.url("/photos/gulls.jpg"),
    ]
    click(page, ".pick", 0)
    click(page, ".pick", 2)
    expect(host).to_have_attribute("data-selected", "2")
    options = in_closed_root(page, "select option")
    assert [o["html"] for o in options][1] == f'<option value="{board.pk}">Seaside</option>'
    click(page, "select")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    shot(page, f"extension-picker-{'csp' if csp else 'normal'}-1280")
    click(page, ".btn:not(.quiet)")
    expect(host).to_have_attribute("data-state", "saved")
    assert host.get_attribute("data-saved") == "2"

    images = Image.objects.filter(user=alice).order_by("id")
    assert [(i.url, i.title, i.alt_text) for i in images] == [
        (site.url("/photos/harbour.jpg"), "The harbour at dawn", "Boats in the harbour"),
        (site.url("/photos/gulls.jpg"), "A day at the coast", ""),
    ]
    assert {i.page_url for i in images} == {site.url("/coast.html")}
    assert all(i.is_ready for i in images)
    assert set(board.entries.values_list("image_id", flat=True)) == {i.pk for i in images}

    # They are on the site: Alice's page shows both.
    page.goto(live_server.url + alice.get_absolute_url())
    for image in images:
        expect(page.locator(f'a[href="{image.get_absolute_url()}"]').first).to_be_visible()


def test_picker_at_phone_width_and_when_not_connected(
    extension, live_server, site, three_photos, shot
):
    context, worker = extension
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.page("/coast.html", "A day at the coast", three_photos))
    open_picker(worker, page)
    expect(page.locator(PICKER)).to_have_attribute("data-state", "disconnected")
    shot(page, "extension-picker-not-connected-390")
    page.close()
    connect(context, live_server, viewport=(390, 844), shot=shot).close()
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.page("/coast.html", "A day at the coast", three_photos))
    open_picker(worker, page)
    expect(page.locator(PICKER)).to_have_attribute("data-state", "ready")
    click(page, ".pick", 1)
    shot(page, "extension-picker-390")
    page.keyboard.press("Escape")
    expect(page.locator(PICKER)).to_have_count(0)


def test_context_menu_saves_the_images_own_address(extension, live_server, alice, site):
    context, worker = extension
    connect(context, live_server).close()
    photo = site.image("/cdn/full/lighthouse.jpg", (700, 500))
    page_url = site.page("/gallery.html", "Lighthouses", '<img src="/cdn/full/lighthouse.jpg">')
    result = worker.evaluate(
        """([src, pageUrl]) => bookmarksExtension.saveFromMenu(
            {menuItemId: "bookmarks-save-image", mediaType: "image", srcUrl: src, pageUrl: pageUrl},
            {id: -1, title: "Lighthouses", url: pageUrl})""",
        [photo, page_url],
    )
    assert result["ok"] is True and result["status"] == 202
    image = Image.objects.get(user=alice)
    assert (image.url, image.page_url, image.title) == (photo, page_url, "Lighthouses")
    assert image.is_ready
    badge = worker.evaluate("chrome.action.getBadgeText({})")
    assert badge == "✓"


def test_context_menu_refuses_what_is_not_an_http_image(extension, live_server, alice):
    context, worker = extension
    connect(context, live_server).close()
    result = worker.evaluate(
        """() => bookmarksExtension.saveFromMenu(
            {menuItemId: "bookmarks-save-image", srcUrl: "data:image/png;base64,iVBORw0KGgo="},
            {id: -1, title: "x"})"""
    )
    assert result["ok"] is False and "http" in result["error"]
    assert not Image.objects.exists()
