"""The "Bookmark it" bookmarklet on other people's pages: the in-page overlay (our script
loads) and the picker window (the page's CSP refuses our script)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from images.models import Image

pytestmark = pytest.mark.e2e

OVERLAY = "#bm-bookmarklet-root"
CANDIDATES = "#bm-bookmarklet-root .bm-pick"
EMPTY = "No images large enough on this page"
CSP = "script-src 'self' 'unsafe-inline'"


def overlay_sources(page) -> set[str]:
    expect(page.locator(f"{OVERLAY} .bm-status")).not_to_have_text("Looking for images…")
    return {button.get_attribute("data-src") for button in page.locator(CANDIDATES).all()}


def icons(site) -> str:
    site.image("/icons/16.png", (16, 16), "PNG")
    site.image("/icons/32.png", (32, 32), "PNG")
    return '<img src="/icons/16.png" alt=""> <img src="/icons/32.png" alt="">'


@pytest.fixture
def holiday_page(site):
    """A page with one large photo, two icons, and a `$` of its own (not jQuery)."""
    big = site.image("/photos/beach.jpg", (600, 400))
    url = site.page(
        "/holiday.html",
        "Holiday photos",
        f'<script>window.$ = "the page\'s own $";</script>{icons(site)}'
        '<p>Our holiday.</p><img src="/photos/beach.jpg" alt="Beach" width="300">',
    )
    return url, big


@pytest.fixture
def three_kinds_body(site):
    """A large image, a lazy one (data-src, tiny placeholder) and a srcset one; plus icons."""
    site.image("/p/large.jpg", (640, 480))
    site.image("/p/placeholder.png", (1, 1), "PNG")
    site.image("/p/lazy.jpg", (500, 350))
    site.image("/p/narrow.jpg", (150, 100))
    site.image("/p/wide.jpg", (900, 600))
    expected = {site.url(p) for p in ("/p/large.jpg", "/p/lazy.jpg", "/p/wide.jpg?w=900")}
    body = (
        f"{icons(site)}"
        '<img src="/p/large.jpg" alt="" width="320">'
        '<img src="/p/placeholder.png" data-src="/p/lazy.jpg" alt="" width="250" height="175">'
        '<img src="/p/narrow.jpg" srcset="/p/narrow.jpg 150w, /p/wide.jpg?w=900 900w" '
        'sizes="150px" alt="">'
    )
    return body, expected


def test_overlay_offers_only_the_large_image_and_bookmarks_it(
    page, launcher, site, holiday_page, live_server, shot
):
    url, big = holiday_page
    shot(page.locator(".bookmarklet-box"), "dashboard-sidebar")
    page.goto(url)
    page.evaluate(launcher)

    expect(page.locator(CANDIDATES)).to_have_count(1)
    assert overlay_sources(page) == {big}
    # The page's CSS does not reach into the overlay, and the page's globals are untouched.
    style = page.locator(CANDIDATES).evaluate("b => getComputedStyle(b).borderTopStyle")
    assert style == "solid"
    assert page.evaluate("[window.$, typeof window.jQuery]") == ["the page's own $", "undefined"]
    shot(page, "overlay")

    with page.expect_popup() as popup_info:
        page.locator(CANDIDATES).click()
    create = popup_info.value
    create.wait_for_load_state()
    expect(page.locator(OVERLAY)).to_have_count(0)
    assert create.url.startswith(live_server.url + "/images/create/")
    expect(create.locator("#id_title")).to_have_value("Beach")  # its alt text
    expect(create.locator("#id_url")).to_have_value(big)

    create.get_by_role("button", name="Bookmark it!").click()
    create.wait_for_url("**/images/detail/**")
    image = Image.objects.get()
    assert (image.title, image.url, image.user.username) == ("Beach", big, "alice")
    assert image.page_url == url
    thumbnail = create.locator("img.detail-img")
    expect(thumbnail).to_be_visible()
    create.wait_for_function("document.querySelector('img.detail-img').complete")
    assert thumbnail.evaluate("img => img.naturalWidth") > 0


def test_launcher_twice_loads_once_and_overlay_closes(
    page, launcher, site, holiday_page, live_server
):
    url, _ = holiday_page
    requested = []
    # Without the cache every load is a request we can count.
    page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)

    def loads():
        scripts = page.evaluate("[...document.scripts].map(s => s.src)")
        return {
            "requests": (
                sum("/static/js/bookmarklet.js?v=" in url for url in requested),
                sum("/static/vendor/jquery-3.7.1.min.js" in url for url in requested),
            ),
            "script tags": (
                sum("/static/js/bookmarklet.js?v=" in src for src in scripts),
                sum("/static/vendor/jquery-3.7.1.min.js" in src for src in scripts),
            ),
        }

    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(1)
    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(1)
    expect(page.locator(OVERLAY)).to_have_count(1)
    page.wait_for_timeout(300)
    assert loads() == {"requests": (1, 1), "script tags": (1, 1)}

    page.keyboard.press("Escape")
    expect(page.locator(OVERLAY)).to_have_count(0)

    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(1)
    page.locator(f"{OVERLAY} .bm-close").click()
    expect(page.locator(OVERLAY)).to_have_count(0)
    assert loads() == {"requests": (1, 1), "script tags": (1, 1)}


def test_overlay_uses_a_recent_page_jquery_and_restores_an_old_one(
    page, launcher, site, holiday_page
):
    url, big = holiday_page
    jquery = (settings.BASE_DIR / "static/vendor/jquery-3.7.1.min.js").read_bytes()
    site.server.expect_request("/js/jquery.js").respond_with_data(
        jquery, content_type="text/javascript"
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    # The page's own jQuery 3.7.1: used as it is, ours is never fetched.
    page.goto(
        site.page(
            "/with-jquery.html",
            "Has jQuery",
            '<script src="/js/jquery.js"></script><img src="/photos/beach.jpg" alt="">',
        )
    )
    page.evaluate("window.__pagesJQuery = window.jQuery")
    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(1)
    assert not any("jquery-3.7.1.min.js" in url for url in requested)
    assert page.evaluate("window.jQuery === window.__pagesJQuery && window.$ === window.jQuery")

    # An old one (before 1.9): ours is loaded for us, and the page's is put back.
    page.goto(url)
    page.evaluate("window.jQuery = {fn: {jquery: '1.4.2'}}")
    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(1)
    assert any("jquery-3.7.1.min.js" in url for url in requested)
    assert page.evaluate("[window.jQuery.fn.jquery, window.$]") == ["1.4.2", "the page's own $"]


def test_keyboard_reaches_picks_and_closes(page, launcher, site, holiday_page, shot):
    url, big = holiday_page
    page.set_viewport_size({"width": 375, "height": 667})  # a phone
    page.goto(url)
    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(1)
    shot(page, "overlay-small-screen")

    def focused_class():
        return page.evaluate(
            "document.getElementById('bm-bookmarklet-root').shadowRoot.activeElement?.className"
        )

    for _ in range(4):
        page.keyboard.press("Tab")
        if focused_class() == "bm-pick":
            break
    assert focused_class() == "bm-pick"
    with page.expect_popup() as popup_info:
        page.keyboard.press("Enter")
    create = popup_info.value
    create.wait_for_load_state()
    expect(create.locator("#id_url")).to_have_value(big)

    page.bring_to_front()
    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator(OVERLAY)).to_have_count(0)


def test_csp_page_gets_the_picker_window_with_the_same_three_candidates(
    page, launcher, site, three_kinds_body, live_server, shot
):
    body, expected = three_kinds_body
    csp_url = site.page("/strict.html", "Strict page", body, csp=CSP)
    open_url = site.page("/open.html", "Open page", body)

    # Without CSP: our script loads and the overlay shows the three.
    page.goto(open_url)
    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(3)
    in_page = overlay_sources(page)
    assert in_page == expected
    shot(page, "overlay-three")

    # With CSP: the script is refused; the launcher's own copy of the rules finds the same three
    # and hands them to the picker window.
    page.goto(csp_url)
    with page.expect_popup() as popup_info:
        page.evaluate(launcher)
    picker = popup_info.value
    assert picker.url == live_server.url + "/images/pick/"
    items = picker.locator(".picker-item")
    expect(items).to_have_count(3)
    assert set(picker.locator(".picker-url").all_text_contents()) == in_page
    expect(picker.locator("[data-picker-status]")).to_contain_text("Strict page")
    assert page.evaluate("typeof window.__bookmarksBookmarklet.show") == "function"
    shot(picker, "picker")

    lazy = site.url("/p/lazy.jpg")
    picker.locator(".picker-item", has_text=lazy).click()
    picker.wait_for_url("**/images/create/**")
    expect(picker.locator("#id_url")).to_have_value(lazy)
    expect(picker.locator("#id_title")).to_have_value("Strict page")
    picker.get_by_role("button", name="Bookmark it!").click()
    picker.wait_for_url("**/images/detail/**")
    assert Image.objects.get().url == lazy


def test_launcher_falls_back_when_our_script_never_answers(page, launcher, site, holiday_page):
    """No error event, no load event (a stalled connection): after 1.5 s the picker opens; the
    script arriving later stays quiet (no overlay, no second picker)."""
    url, big = holiday_page
    stalled, popups = [], []
    page.on("popup", lambda popup: popups.append(popup))
    page.route("**/static/js/bookmarklet.js*", lambda route: stalled.append(route))
    page.goto(url)
    with page.expect_popup(timeout=5_000) as popup_info:
        page.evaluate(launcher)
    picker = popup_info.value
    expect(picker.locator(".picker-url")).to_have_text([big])
    picker.evaluate("window.__firstPicker = true")

    assert len(stalled) == 1
    with page.expect_request_finished(lambda request: "bookmarklet.js" in request.url):
        stalled[0].continue_()
    page.wait_for_timeout(500)
    assert page.locator(OVERLAY).count() == 0
    assert len(popups) == 1
    assert picker.evaluate("window.__firstPicker") is True  # not opened again


def test_picker_ignores_strangers_and_bad_shapes_and_shows_markup_as_text(page, site, live_server):
    site.page("/frame.html", "Frame", "<p>A frame</p>")
    opener_url = site.page("/opener.html", "Opener", '<iframe src="/frame.html"></iframe>')
    page.goto(opener_url)
    with page.expect_popup() as popup_info:
        page.evaluate(
            "url => { window.picker = window.open(url, 'p', 'width=700,height=600'); }",
            live_server.url + "/images/pick/",
        )
    picker = popup_info.value
    expect(picker.locator("[data-picker-status]")).to_have_text("Waiting for the page's images…")

    origin = live_server.url
    stranger = {
        "type": "bookmarks:candidates",
        "title": "Stranger",
        "images": [{"src": "http://127.0.0.1:1/stranger.png", "width": 500, "height": 500}],
    }
    # A frame of the opener is not the opener.
    frame = page.frame(url=site.url("/frame.html"))
    frame.evaluate("([m, o]) => parent.picker.postMessage(m, o)", [stranger, origin])
    bad_shapes = [
        {"type": "bookmarks:other", "title": "x", "images": []},
        {"type": "bookmarks:candidates", "title": 5, "images": []},
        {"type": "bookmarks:candidates", "title": "x", "images": "http://127.0.0.1:1/a.png"},
        {
            "type": "bookmarks:candidates",
            "title": "x",
            "images": [{"src": "javascript:window.__pwned=1//.png", "width": 500, "height": 500}],
        },
        {
            "type": "bookmarks:candidates",
            "title": "x",
            "images": [
                {"src": "http://127.0.0.1:1/" + "a" * 2000 + ".png", "width": 5, "height": 5}
            ],
        },
        {
            "type": "bookmarks:candidates",
            "title": "x",
            "images": [
                {"src": f"http://127.0.0.1:1/{i}.png", "width": 500, "height": 500}
                for i in range(201)
            ],
        },
        "<img src=x onerror=window.__pwned=1>",
    ]
    for message in bad_shapes:
        page.evaluate("([m, o]) => window.picker.postMessage(m, o)", [message, origin])
    page.wait_for_timeout(300)
    expect(picker.locator("[data-picker-status]")).to_have_text("Waiting for the page's images…")
    expect(picker.locator(".picker-item")).to_have_count(0)

    markup = 'http://127.0.0.1:1/x.png?"><img src=x onerror=window.__pwned=1>'
    good = {
        "type": "bookmarks:candidates",
        "title": "<b>Title</b>",
        "images": [{"src": markup, "width": 640, "height": 480}],
    }
    page.evaluate("([m, o]) => window.picker.postMessage(m, o)", [good, origin])
    expect(picker.locator(".picker-item")).to_have_count(1)
    expect(picker.locator(".picker-url")).to_have_text(markup)
    expect(picker.locator("[data-picker-status]")).to_contain_text("“<b>Title</b>”")
    assert picker.locator(".picker-item img").evaluate("img => img.getAttribute('src')") == markup
    picker.wait_for_timeout(200)
    assert picker.evaluate("window.__pwned") is None
    assert picker.locator("img[src=x], b").count() == 0


def test_picker_explains_itself_when_nothing_arrives(page, live_server, shot):
    page.goto(live_server.url + "/images/pick/")
    status = page.locator("[data-picker-status]")
    expect(status).to_have_text("Waiting for the page's images…")
    expect(page.locator("[data-picker-help]")).to_be_visible(timeout=8_000)
    expect(page.locator("[data-picker-help]")).to_contain_text("Bookmark it")
    expect(status).to_have_text("No images arrived from a page.")
    shot(page, "picker-help")


def test_page_with_only_icons_says_so_in_both_paths(page, context, launcher, site):
    body = icons(site)
    page.goto(site.page("/icons.html", "Icons", body))
    page.evaluate(launcher)
    expect(page.locator(f"{OVERLAY} .bm-status")).to_have_text(EMPTY)
    expect(page.locator(CANDIDATES)).to_have_count(0)

    dialogs, opened = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    context.on("page", lambda new_page: opened.append(new_page))
    page.goto(site.page("/icons-csp.html", "Icons", body, csp=CSP))
    page.evaluate(launcher)
    page.wait_for_function("window.__bookmarksBookmarklet && window.__bookmarksBookmarklet.failed")
    page.wait_for_timeout(500)
    assert dialogs == [EMPTY]
    assert opened == []
    assert page.locator(OVERLAY).count() == 0


@pytest.fixture
def blog_page(site):
    """Four photos of one blog post: a figure with a figcaption, an alt text, a title attribute,
    and nothing at all (which falls back to the page's title)."""
    for name in ("harbour", "market", "tower", "plain"):
        site.image(f"/blog/{name}.jpg", (400, 300))
    body = (
        '<figure><img src="/blog/harbour.jpg" alt="Boats">'
        "<figcaption>The  harbour\n at dawn</figcaption></figure>"
        '<img src="/blog/market.jpg" alt="Fish market on Sunday">'
        '<img src="/blog/tower.jpg" alt="" title="The old clock tower">'
        '<img src="/blog/plain.jpg" alt="">'
    )
    expected = {
        site.url("/blog/harbour.jpg"): ("The harbour at dawn", "Boats"),
        site.url("/blog/market.jpg"): ("Fish market on Sunday", "Fish market on Sunday"),
        site.url("/blog/tower.jpg"): ("The old clock tower", ""),
        site.url("/blog/plain.jpg"): ("A day by the sea", ""),
    }
    return body, expected


def _prefill(create_page) -> tuple[str, str, str]:
    query = parse_qs(urlsplit(create_page.url).query)
    title = create_page.locator("#id_title").input_value()
    return title, query.get("alt", [""])[0], create_page.locator("#id_page_url").input_value()


def test_each_image_gets_its_own_title_and_alt_and_the_page_is_its_source(
    page, launcher, site, blog_page, live_server, shot
):
    body, expected = blog_page
    url = site.page("/blog/post.html", "A day by the sea", body)
    page.goto(url)
    page.evaluate(launcher)
    expect(page.locator(CANDIDATES)).to_have_count(4)
    expect(page.locator(f"{OVERLAY} .bm-name").first).to_have_text("The harbour at dawn")
    shot(page, "overlay-captions")
    for src, (title, alt) in expected.items():
        page.evaluate(launcher)
        with page.expect_popup() as popup_info:
            page.locator(f'{CANDIDATES}[data-src="{src}"]').click()
        create = popup_info.value
        create.wait_for_load_state()
        assert _prefill(create) == (title, alt, url), src
        create.close()

    with page.expect_popup() as popup_info:
        page.evaluate(launcher)
        page.locator(f'{CANDIDATES}[data-src="{site.url("/blog/market.jpg")}"]').click()
    create = popup_info.value
    create.get_by_role("button", name="Bookmark it!").click()
    create.wait_for_url("**/images/detail/**")
    image = Image.objects.get()
    assert (image.title, image.url, image.page_url) == (
        "Fish market on Sunday",
        site.url("/blog/market.jpg"),
        url,
    )
    source = create.locator("a.source-link")
    expect(source).to_have_attribute("href", url)
    expect(source).to_contain_text("/blog/post.html")
    shot(create, "detail-source-page")


def test_picker_window_prefills_the_same_titles_alts_and_page(
    page, launcher, site, blog_page, live_server
):
    body, expected = blog_page
    url = site.page("/blog/strict.html", "A day by the sea", body, csp=CSP)
    page.goto(url)
    with page.expect_popup() as popup_info:
        page.evaluate(launcher)
    picker = popup_info.value
    expect(picker.locator(".picker-item")).to_have_count(4)
    picker.locator(".picker-item", has_text=site.url("/blog/harbour.jpg")).click()
    picker.wait_for_url("**/images/create/**")
    assert _prefill(picker) == (*expected[site.url("/blog/harbour.jpg")], url)
    picker.get_by_role("button", name="Bookmark it!").click()
    picker.wait_for_url("**/images/detail/**")
    image = Image.objects.get()
    assert (image.title, image.page_url) == ("The harbour at dawn", url)
