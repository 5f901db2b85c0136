"""Search in real Chromium (issue 18, acceptance 6): suggestions as you type, arrow keys and
Enter open the result, Escape closes; the phone's search icon opens the field without growing
the one-row header; screenshots of results, the empty state, the help and the suggestions."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_context
from tests.factories import make_user

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def people(alice, bookmark):
    carol = make_user("carol", first_name="Carol", email="carol@example.com")
    make_user("caroline", first_name="Caroline", email="caroline@example.com")
    for n, title in enumerate(["Sunset over the sea", "Sunset <script>x</script> harbour",
                               "Morning sunset walk", "Lake at dawn"]):  # fmt: skip
        image = bookmark(carol if n % 2 else alice, f"s{n}", title)
        image.tags.add("sea" if n < 3 else "lake")
    return carol


def _header_height(page):
    return page.evaluate("document.querySelector('header.topbar').getBoundingClientRect().height")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_suggestions_type_arrows_enter_open_the_person(
    browser, live_server, alice, people, shot, size
):
    viewport = DESKTOP if size == "desktop" else PHONE
    context = login_context(browser, live_server, alice, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/images/")
        field = page.get_by_role("combobox", name="Search images, boards and people")
        if size == "phone":
            expect(field).to_be_hidden()
            page.get_by_role("link", name="Search").click()
            assert _header_height(page) <= 64
        expect(field).to_be_visible()
        expect(field).to_have_attribute("aria-expanded", "false")
        field.press_sequentially("caro", delay=30)
        listbox = page.get_by_role("listbox", name="Suggestions")
        expect(listbox).to_be_visible()
        options = listbox.get_by_role("option")
        expect(options.first).to_contain_text("Carol")
        expect(field).to_have_attribute("aria-expanded", "true")
        shot(page, f"search-suggestions-{size}")

        field.press("ArrowDown")
        expect(options.first).to_have_attribute("aria-selected", "true")
        first_id = options.first.get_attribute("id")
        expect(field).to_have_attribute("aria-activedescendant", first_id)
        field.press("ArrowDown")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
        expect(options.first).to_have_attribute("aria-selected", "false")
        field.press("ArrowUp")
        expect(options.first).to_have_attribute("aria-selected", "true")

        field.press("Escape")
        expect(listbox).to_be_hidden()
        expect(field).to_have_attribute("aria-expanded", "false")

        field.press("ArrowDown")  # opens the suggestions again
        expect(options.first).to_be_visible()
        field.press("ArrowDown")
        field.press("Enter")
        page.wait_for_url("**" + people.get_absolute_url())
        expect(page.get_by_role("heading", name="Carol")).to_be_visible()
    finally:
        context.close()


def test_a_tag_suggestion_and_enter_without_a_choice_search(page, live_server, people):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/account/")
    field = page.get_by_role("combobox", name="Search images, boards and people")
    field.press_sequentially("se", delay=30)
    option = page.get_by_role("option", name="#sea")
    expect(option).to_be_visible()
    option.click()
    page.wait_for_url("**/search/?q=%23sea")
    expect(page.locator("ul.grid li.tile")).to_have_count(3)

    field = page.get_by_role("combobox", name="Search images, boards and people")
    field.fill("sunset")
    field.press("Enter")  # no suggestion chosen: the form searches
    page.wait_for_url("**/search/?q=sunset")
    expect(page.locator("ul.grid mark")).to_have_count(3)
    expect(page.locator("ul.grid mark").first).to_have_text(re.compile("^sunset$", re.I))
    # The title's markup is text, never an element.
    expect(page.locator("ul.grid").get_by_text("<script>x</script>", exact=False)).to_be_visible()
    assert page.locator("ul.grid script").count() == 0


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_results_empty_state_and_help_look_right(browser, live_server, alice, people, shot, size):
    viewport = DESKTOP if size == "desktop" else PHONE
    context = login_context(browser, live_server, alice, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/search/?q=sunset")
        expect(page.locator("ul.grid li.tile")).to_have_count(3)
        assert _header_height(page) <= 64
        assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
        shot(page, f"search-results-{size}", full_page=True)

        page.get_by_role("group").filter(has_text="How to search").locator("summary").click()
        help_body = page.get_by_role("note")
        expect(help_body).to_be_visible()
        expect(help_body).to_contain_text("site:example.com")
        assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
        shot(page, f"search-help-{size}")
        page.get_by_role("group").filter(has_text="How to search").locator("summary").click()
        expect(help_body).to_be_hidden()

        page.get_by_role("link", name="People").last.click()
        page.wait_for_url("**type=people")
        shot(page, f"search-people-{size}", full_page=True)

        page.goto(live_server.url + "/search/?q=zebra")
        expect(page.get_by_text("No results for “zebra”.")).to_be_visible()
        shot(page, f"search-empty-{size}", full_page=True)
    finally:
        context.close()


def test_logged_out_visitors_search_too(browser, live_server, people, shot):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/account/login/")
        page.get_by_role("link", name="Search").click()
        field = page.get_by_role("combobox", name="Search images, boards and people")
        expect(field).to_be_visible()
        field.fill("lake")
        field.press("Enter")
        page.wait_for_url("**/search/?q=lake")
        expect(page.locator("ul.grid li.tile")).to_have_count(1)
        assert _header_height(page) <= 64
        shot(page, "search-logged-out-phone", full_page=True)
    finally:
        context.close()
