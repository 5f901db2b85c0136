"""The web app in real Chromium: the manifest parses with its share target, the service worker
registers, keeps only the offline page and static files, and answers for a lost network; the
share confirmation page as a phone shows it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import expect

from shares.models import SharedPhoto
from tests.e2e.conftest import login_context
from tests.factories import png_bytes

pytestmark = pytest.mark.e2e


def test_manifest_parses_and_the_service_worker_registers(page, live_server):
    page.goto(live_server.url + "/account/")
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == live_server.url + "/manifest.webmanifest"
    assert manifest["errors"] == []
    # As Chromium understood it: it drops a share_target it cannot use (say, files without
    # POST and multipart). Its debug view garbles the other share_target fields, so only the
    # action and method are compared.
    parsed = manifest["manifest"]
    target = parsed["shareTarget"]
    assert target["action"] == live_server.url + "/share/"
    assert target["method"].endswith("Post")
    assert {icon["url"].rsplit("/", 1)[1] for icon in parsed["icons"]} >= {
        "icon-192.png",
        "icon-512.png",
        "maskable-512.png",
    }

    script = page.evaluate(
        "navigator.serviceWorker.ready.then(function (r) { return r.active.scriptURL; })"
    )
    assert script == live_server.url + "/sw.js"
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
              const cache = await caches.open(name);
              for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert "/offline/" in cached
    assert all(url == "/offline/" or url.startswith("/static/") for url in cached), cached

    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []


def test_a_lost_network_shows_the_offline_page_and_no_private_page(page, live_server):
    page.goto(live_server.url + "/account/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the worker
    assert page.evaluate("!!navigator.serviceWorker.controller")
    page.context.set_offline(True)
    try:
        page.goto(live_server.url + "/images/")
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
        assert "Alice" not in page.content()
    finally:
        page.context.set_offline(False)


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 800)])
def test_share_confirmation_page(browser, live_server, alice, viewport, shot):
    client = Client()
    client.force_login(alice)
    upload = SimpleUploadedFile("IMG_1.png", png_bytes((900, 600), (40, 120, 190)), "image/png")
    fields = {"title": "", "text": "https://beach.example/day", "url": "", "image": upload}
    client.post("/share/", fields)
    token = SharedPhoto.objects.get().token
    context = login_context(
        browser, live_server, alice, viewport={"width": viewport[0], "height": viewport[1]}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/share/{token}/")
    image = page.locator(".preview img")
    expect(image).to_be_visible()
    assert page.evaluate("document.querySelector('.preview img').naturalWidth") == 900
    shot(page, f"share-confirm-{viewport[0]}", full_page=True)
    page.fill("#id_title", "Blue hour")
    page.get_by_role("button", name="Bookmark it!").click()
    page.wait_for_url("**/images/detail/**")
    expect(page.get_by_role("heading", name="Blue hour")).to_be_visible()
    context.close()
