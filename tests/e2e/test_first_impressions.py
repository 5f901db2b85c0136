"""A newcomer's path in real Chromium (issue 15): the dashboard's bookmarklet explains itself
when clicked, the top bar's "Add image" reaches the form on a phone, the bookmark form shows
progress while the server works, and every page fits a phone (one-row header, two-column grids)."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_clicking_the_dashboards_bookmarklet_explains_how_to_drag_it(context, live_server, shot):
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    page.goto(live_server.url + "/account/")
    help_box = page.locator("[data-bookmarklet-help]")
    expect(help_box).to_be_hidden()

    page.locator("a.bookmarklet-link").click()

    expect(help_box).to_be_visible()
    expect(help_box).to_contain_text("Drag the Bookmark it button")
    expect(help_box.locator("img.bookmarklet-illustration")).to_be_visible()
    assert help_box.locator("img.bookmarklet-illustration").evaluate("i => i.naturalWidth") > 0
    expect(help_box.get_by_role("link", name="Upload a file")).to_have_attribute(
        "href", "/images/create/"
    )
    assert page.evaluate("document.activeElement.hasAttribute('data-bookmarklet-help')")
    # The click went nowhere (our CSP would have refused the javascript: link).
    assert page.url == live_server.url + "/account/"
    assert page.evaluate("window.__csp") == []
    # Still a javascript: link, for dragging.
    assert page.locator("a.bookmarklet-link").get_attribute("href").startswith("javascript:")
    shot(page, "first-bookmarklet-help-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "first-bookmarklet-help-phone", full_page=True)


def test_add_image_in_the_top_bar_reaches_the_form_on_a_phone(context, live_server, shot):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/images/")
    add = page.get_by_role("link", name="Add image")
    expect(add).to_be_visible()
    add.click()
    page.wait_for_url("**/images/create/")
    expect(page.locator("#id_url")).to_be_visible()
    expect(page.get_by_role("button", name="Bookmark it!")).to_be_visible()
    shot(page, "first-create-phone", full_page=True)


# Runs after the form's own submit listener (it bubbles to the document last): records what a
# person would see at that moment and which submits would have gone to the server, then stops
# the navigation, so that the page stays to be looked at (Playwright waits for a pending
# navigation before it reads a page).
HOLD_SUBMITS = """
window.__submits = [];
document.addEventListener("submit", function (event) {
  const button = event.target.querySelector("button[type=submit]");
  const progress = document.querySelector("[data-form-progress]");
  window.__submits.push({
    sent: !event.defaultPrevented,
    disabled: button.disabled,
    label: button.textContent,
    busy: event.target.getAttribute("aria-busy"),
    progress: progress && !progress.hidden ? progress.textContent : null,
  });
  event.preventDefault();
});
"""


def test_the_bookmark_form_disables_its_button_and_shows_progress_while_saving(
    context, live_server, site, shot
):
    url = site.image("/photos/slow.jpg", (400, 300))
    page = context.new_page()
    page.goto(live_server.url + "/images/create/?url=" + url + "&title=Slow%20photo")
    page.evaluate(HOLD_SUBMITS)
    button = page.locator("form[data-upload-form] button[type=submit]")
    expect(button).to_be_enabled()

    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_text("Saving…")
    expect(page.locator("[data-form-progress]")).to_be_visible()
    shot(page, "first-create-saving")
    # A double click, Enter in a field, a script: none of them sends the form again.
    button.dispatch_event("click")
    page.locator("#id_title").press("Enter")
    page.evaluate("document.querySelector('form[data-upload-form]').requestSubmit()")
    submits = page.evaluate("window.__submits")
    assert submits[0] == {
        "sent": True,
        "disabled": True,
        "label": "Saving…",
        "busy": "true",
        "progress": "Downloading the image from its site and checking it… "
        "This can take a few seconds.",
    }
    assert [s["sent"] for s in submits[1:]] == [False] * (len(submits) - 1)
    assert len(submits) >= 2  # the script's at least (a disabled button sends nothing)


def _layout(page):
    return page.evaluate(
        """() => {
          const bar = document.querySelector("header.topbar").getBoundingClientRect();
          const grid = document.querySelector("ul.grid");
          return {
            header: bar.height,
            overflow: document.scrollingElement.scrollWidth - window.innerWidth,
            // The masonry grid is CSS columns (images/templatetags/pictures.py draws each at
            // its own aspect ratio); other grids are CSS grids.
            columns: !grid ? null : getComputedStyle(grid).columnCount !== "auto"
              ? Number(getComputedStyle(grid).columnCount)
              : getComputedStyle(grid).gridTemplateColumns.split(" ").length,
          };
        }"""
    )


def test_every_page_fits_a_phone_one_row_header_two_column_grids(
    browser, context, live_server, alice, bookmark, shot
):
    bob = make_user("bob", first_name="Bob")
    images = [bookmark(bob, f"p{i}", f"A rather long title for picture {i}") for i in range(3)]
    images[0].users_like.add(alice)
    pages = {
        "dashboard": "/account/",
        "images": "/images/",
        "image": images[0].get_absolute_url(),
        "ranking": "/images/ranking/",
        "people": "/account/users/",
        "person": bob.get_absolute_url(),
        "own-page": alice.get_absolute_url(),
        "likes": f"/account/users/{alice.username}/likes/",
        "followers": f"/account/users/{bob.username}/followers/",
        "following": f"/account/users/{alice.username}/following/",
        "create": "/images/create/",
        "edit": "/account/edit/",
        "pick": "/images/pick/",
        "not-found": "/images/detail/999999/gone/",
    }
    grids = {"images", "person", "likes"}
    alice.following.add(bob)
    page = context.new_page()
    for viewport, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(viewport)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            layout = _layout(page)
            assert layout["header"] <= 64, (label, name, layout)
            assert layout["overflow"] <= 0, (label, name, layout)
            if name in grids and label == "phone":
                assert layout["columns"] == 2, (name, layout)
            if label == "phone" and name in ("people", "followers", "following"):
                # Dense rows: a person with their latest images takes at most 150 px.
                rows = page.eval_on_selector_all(
                    ".person", "els => els.map(e => e.getBoundingClientRect().height)"
                )
                assert rows and max(rows) <= 150, (name, rows)
            if page.locator(".tabs").count():  # every tab of a person's page in sight
                tabs = page.eval_on_selector(".tabs", "t => [t.scrollWidth, t.clientWidth]")
                assert tabs[0] <= tabs[1], (label, name, tabs)
            shot(page, f"first-{label}-{name}", full_page=True)

    # The phone menu holds the links: closed, they are hidden; opened, they are reachable.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/images/")
    people = page.locator("#topbar-menu").get_by_role("link", name="People")
    expect(people).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(people).to_be_visible()
    shot(page, "first-phone-menu-open")
    people.click()
    page.wait_for_url("**/account/users/")

    anonymous = browser.new_context(viewport=PHONE)
    other = anonymous.new_page()
    for name in ("login", "register"):
        other.goto(f"{live_server.url}/account/{name}/")
        layout = _layout(other)
        assert layout["header"] <= 64 and layout["overflow"] <= 0, (name, layout)
        shot(other, f"first-phone-{name}", full_page=True)
    anonymous.close()
