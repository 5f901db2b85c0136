"""Acceptance 1 of issue 22: axe-core finds no WCAG 2.2 AA violation (nor a best-practice one)
on any page, logged in and out, at phone and desktop widths, in the light and the dark theme,
including the bookmarklet overlay, the picker window and the menus and dialogs they open.

axe-core comes from the npm registry into tests/e2e/vendor (`make axe`, a prerequisite of
`make test`; this module installs it itself when missing) and is never served: it is evaluated
in pages of a context that bypasses our CSP.

One seeded database (seed_demo, as a developer's) serves the whole module: its tests do not
flush the database after each test (this module's `_live_server_helper` asks for no
transactional_db), and the module flushes it once at the end.
"""

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from playwright.sync_api import expect

from account.models import Theme
from actions.models import Action
from boards.models import Board
from comments.services import add_comment
from demo.people import WELL_KNOWN_USERNAME
from images.models import Image
from tests.e2e.conftest import SHOTS, login_context

# The markup does not depend on the database: the matrix (a few minutes) runs on SQLite only,
# so that `make test`, which runs the suite on both, stays within its time.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        reason="the accessibility matrix runs on SQLite only (markup is the same on both)",
    ),
]

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE = VENDOR / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
THEMES = [Theme.LIGHT, Theme.DARK]


def axe_source() -> str:
    if not AXE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=VENDOR, check=True)
    return AXE.read_text()


def violations(page, *, include=None, tags=None) -> list[str]:
    """axe's violations on `page` (or inside the `include` selector), one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE[0])
    found = page.evaluate(
        """async ([include, tags]) => {
            const options = {resultTypes: ["violations"]};
            options.runOnly = {type: "tag", values: tags};
            const results = await axe.run(include ? {include: [include]} : document, options);
            return results.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " — " +
                v.nodes.slice(0, 4).map(n => n.target.join(" ") + " " +
                    (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 160)).join(" | "));
        }""",
        [include, tags or [*WCAG, "best-practice"]],
    )
    return found


AXE_SOURCE: list[str] = []


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, live_server, tmp_path_factory):
    """The demo data of a developer's machine (20 people, 60 images, 200 actions), plus
    comments on one image; paths of the pages to check. Flushed at the end of the module."""
    media = tmp_path_factory.mktemp("a11y-media")
    AXE_SOURCE[:] = [axe_source()]
    with django_db_blocker.unblock():
        from django.conf import settings

        old_media = settings.MEDIA_ROOT
        settings.MEDIA_ROOT = media
        try:
            call_command(
                "seed_demo",
                "--users=20",
                "--images=60",
                "--actions=200",
                "--pictures=8",
                "--avatars=4",
                "--no-progress",
                stdout=open(os.devnull, "w"),  # noqa: SIM115
                stderr=open(os.devnull, "w"),  # noqa: SIM115
            )
        finally:
            settings.MEDIA_ROOT = old_media
        me = Image.objects.model._meta.get_field("user").related_model.objects.get(
            username=WELL_KNOWN_USERNAME
        )
        others = list(
            Image.objects.exclude(user=me).filter(private=False).select_related("user")[:2]
        )
        image = others[0]
        add_comment(author=me, image=image, body="Lovely colours, @" + image.user.username)
        add_comment(author=image.user, image=image, body="Thank you! Taken at dawn.")
        mine = Image.objects.filter(user=me).first()
        add_comment(author=others[1].user, image=mine, body="Where was this taken?")
        board = (
            Board.objects.filter(owner=me)
            .annotate(n=Count("entries"))
            .filter(n__gt=2)
            .order_by("-n")
            .first()
        )
        person = others[1].user
        paths = {
            "dashboard": "/account/",
            "image-list": "/images/",
            "image-detail": image.get_absolute_url(),
            "my-image": mine.get_absolute_url(),
            "bookmark-form": (
                f"/images/create/?url={live_server.url}/media/{mine.image.name}"
                "&title=A%20harbour%20at%20dawn&page_url=https://example.com/post"
            ),
            "people": "/account/users/",
            "person": person.get_absolute_url(),
            "boards": f"/account/users/{me.username}/boards/",
            "board": board.get_absolute_url(),
            "board-edit": board.get_absolute_url() + "edit/",
            "notifications": "/notifications/",
            "ranking": "/images/ranking/",
            "profile-edit": "/account/edit/",
            "not-found": "/images/detail/999999/nothing-here/",
            "picker": "/images/pick/",
        }
        assert Action.objects.exists()
        yield {"media": media, "me": me, "paths": paths}
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _live_server_helper(request, live_server):
    """Replaces pytest-django's: the live server without a transactional_db per test, so the
    module's seeded data stays (see `seeded`)."""
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


@pytest.fixture(autouse=True)
def _media_root(settings, seeded):
    settings.MEDIA_ROOT = seeded["media"]


@pytest.fixture(scope="module")
def contexts(browser, live_server, seeded):
    """One browser context for visitors and one for the signed-in demo person, made once for
    the module (our CSP bypassed, for axe only)."""
    made = {}

    def get(signed_in: bool):
        if signed_in not in made:
            options = {"bypass_csp": True, "viewport": SIZES["desktop"]}
            if signed_in:
                made[signed_in] = login_context(browser, live_server, seeded["me"], **options)
            else:
                made[signed_in] = browser.new_context(**options)
            made[signed_in].set_default_timeout(10_000)
        return made[signed_in]

    yield get
    for context in made.values():
        context.close()


def check(page, name: str, **options) -> None:
    if os.environ.get("A11Y_SHOTS"):
        (SHOTS / "a11y").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "a11y" / f"{name}.png"), full_page=True)
    found = violations(page, **options)
    assert found == [], f"{name}:\n" + "\n".join(found)


def check_everywhere(page, name: str, **options) -> None:
    """axe at both widths in both themes, on the page as it is (no reload: the viewport and
    the system's colour scheme change in place; data-theme is "system", so the page follows)."""
    problems = []
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        # From the top: what the sticky top bar covers at some scroll position is not a fault
        # (focus is kept clear of it by scroll-padding-top).
        page.evaluate("window.scrollTo(0, 0)")
        for theme in THEMES:
            page.emulate_media(color_scheme=theme)
            dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            assert dark == (theme == Theme.DARK)
            # Colours that ease from one theme to the other are only checked once they arrived.
            page.wait_for_function(
                "!document.getAnimations().some(a => a instanceof CSSTransition)"
            )
            try:
                check(page, f"{name}-{theme}-{size}", **options)
            except AssertionError as failure:
                problems.append(str(failure))
    assert not problems, "\n".join(problems)


LOGGED_OUT = {
    "login": "/account/login/",
    "home": "/",
    "register": "/account/register/",
    "password-reset": "/account/password-reset/",
    "not-found-visitor": "/no/such/page/",
}
LOGGED_IN = [
    "dashboard",
    "image-list",
    "image-detail",
    "my-image",
    "bookmark-form",
    "people",
    "person",
    "boards",
    "board",
    "board-edit",
    "notifications",
    "ranking",
    "profile-edit",
    "not-found",
    "picker",
]


@pytest.mark.parametrize("name", LOGGED_OUT)
def test_visitor_pages_have_no_violations(contexts, live_server, name):
    page = contexts(False).new_page()
    page.goto(live_server.url + LOGGED_OUT[name])
    assert page.evaluate("document.documentElement.dataset.theme") == Theme.SYSTEM
    check_everywhere(page, name)
    page.close()


@pytest.mark.parametrize("name", LOGGED_IN)
def test_signed_in_pages_have_no_violations(contexts, live_server, seeded, name):
    page = contexts(True).new_page()
    page.goto(live_server.url + seeded["paths"][name])
    check_everywhere(page, name)
    page.close()


def test_open_menu_and_dialogs_have_no_violations(contexts, live_server, seeded):
    """The phone menu opened, the bookmarklet's help (what a click on it on our own page
    shows), and a comment's edit form opened."""
    page = contexts(True).new_page()
    page.set_viewport_size(SIZES["phone"])
    page.goto(live_server.url + seeded["paths"]["dashboard"])
    page.locator("[data-menu-toggle]").click()
    expect(page.locator("#topbar-menu .mainnav")).to_be_visible()
    for theme in THEMES:
        page.emulate_media(color_scheme=theme)
        check(page, f"menu-open-{theme}")
    page.keyboard.press("Escape")
    page.set_viewport_size(SIZES["desktop"])
    page.locator("a[data-bookmarklet]").first.click()
    expect(page.locator("[data-bookmarklet-help]")).to_be_visible()
    check_everywhere(page, "bookmarklet-help")
    page.goto(live_server.url + seeded["paths"]["image-detail"])
    page.locator(".comment-edit summary").first.click()
    expect(page.locator(".comment-edit textarea").first).to_be_visible()
    check_everywhere(page, "comment-edit")
    page.close()


@pytest.fixture
def launcher(contexts, live_server, seeded):
    page = contexts(True).new_page()
    page.goto(live_server.url + "/account/")
    href = page.locator("a.bookmarklet-link").get_attribute("href")
    page.close()
    return unquote(href.removeprefix("javascript:"))


def test_bookmarklet_overlay_has_no_violations(contexts, launcher, site):
    """The in-page overlay on somebody else's page (only the overlay is ours to check)."""
    site.image("/photos/beach.jpg", (600, 400))
    site.image("/photos/hill.jpg", (640, 480))
    url = site.page(
        "/holiday.html",
        "Holiday photos",
        '<img src="/photos/beach.jpg" alt="Beach"><img src="/photos/hill.jpg" alt="">',
    )
    page = contexts(True).new_page()
    page.goto(url)
    page.evaluate(launcher)
    expect(page.locator("#bm-bookmarklet-root .bm-pick")).to_have_count(2)
    check_everywhere(page, "overlay", include="#bm-bookmarklet-root")
    page.close()


def test_picker_window_with_images_has_no_violations(contexts, live_server, site):
    """The picker window (for pages whose CSP refuses our script) once the images arrived."""
    opener = site.page("/opener.html", "Opener", "<p>A page</p>")
    page = contexts(True).new_page()
    page.goto(opener)
    with page.expect_popup() as popup_info:
        page.evaluate(
            "url => { window.picker = window.open(url, 'p', 'width=700,height=600'); }",
            live_server.url + "/images/pick/",
        )
    picker = popup_info.value
    expect(picker.locator("[data-picker-status]")).to_have_text("Waiting for the page's images…")
    images = [
        {"src": site.image(f"/p/{n}.jpg", (500, 400)), "width": 500, "height": 400}
        for n in ("one", "two", "three")
    ]
    message = {"type": "bookmarks:candidates", "title": "A holiday", "images": images}
    page.evaluate("([m, o]) => window.picker.postMessage(m, o)", [message, live_server.url])
    expect(picker.locator(".picker-item")).to_have_count(3)
    check_everywhere(picker, "picker-images")
    picker.close()
    page.close()


BACKGROUND = "getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()"


def test_chosen_theme_wins_over_the_system_one(contexts, live_server, seeded, browser):
    """A visitor's cookie and a person's choice are written into <html data-theme>, and that
    palette holds whatever the system prefers (axe finds its contrast fine)."""
    visitor = browser.new_context(bypass_csp=True, color_scheme="light")
    visitor.add_cookies([{"name": "theme", "value": "dark", "url": live_server.url}])
    page = visitor.new_page()
    page.goto(live_server.url + "/account/login/")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(BACKGROUND) == "#11131a"
    check(page, "login-explicit-dark", tags=["wcag2aa"])
    visitor.close()

    # Pressing "Light" in the top bar (a plain form, no script) on a dark system.
    page = contexts(True).new_page()
    page.emulate_media(color_scheme="dark")
    path = seeded["paths"]["image-list"]
    page.goto(live_server.url + path)
    assert page.evaluate(BACKGROUND) == "#11131a"
    page.get_by_role("button", name="Light").first.click()
    page.wait_for_load_state()
    assert page.url == live_server.url + path
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert page.evaluate(BACKGROUND) == "#f6f7f9"
    expect(page.get_by_role("button", name="Light").first).to_have_attribute("aria-pressed", "true")
    check(page, "images-explicit-light", tags=["wcag2aa"])
    page.get_by_role("button", name="System").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.dataset.theme") == "system"
    page.close()


def test_the_two_copies_of_the_dark_palette_are_equal():
    """site.css writes the dark palette twice (data-theme="dark", and "system" on a dark
    system): they must not drift apart."""
    css = (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text()

    def declarations(block_start: str) -> list[str]:
        body = css[css.index(block_start) + len(block_start) :]
        body = body[: body.index("}")]
        return sorted(re.sub(r"\s+", " ", d).strip() for d in body.split(";") if d.strip())

    dark = declarations(':root[data-theme="dark"] {')
    system = declarations(':root[data-theme="system"] {')
    assert dark == system
    assert len(dark) > 30
