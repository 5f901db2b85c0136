"""Your data in a real browser: the profile page's section, export (a real download), import
(a real upload), the delete confirmation and the password-set form, on a phone and a desktop
(screenshots in /tmp/shots for people to look at)."""

import time
import zipfile

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from account.social import REAUTH_SESSION_KEY
from tests.factories import make_image, make_user

from .conftest import SHOTS, login_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def shoot(page, name: str, size: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"your-data-{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_export_import_and_delete_pages(browser, live_server, alice, size, tmp_path):
    make_image(alice, title="Sea")
    make_image(alice, title="Gift", color=(1, 2, 3))
    context = login_context(
        browser, live_server, alice, viewport=SIZES[size], accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/account/edit/")
    section = page.locator("section.your-data")
    section.scroll_into_view_if_needed()
    assert section.get_by_text("Set a password").count() == 0  # alice has one
    shoot(page, "profile", size)
    with page.expect_download() as download:
        section.get_by_role("button", name="Download a ZIP").click()
    archive = tmp_path / "export.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as zipped:
        assert "manifest.json" in zipped.namelist() and "images.csv" in zipped.namelist()

    bob = make_user("bob")
    other = login_context(browser, live_server, bob, viewport=SIZES[size])
    page = other.new_page()
    page.goto(f"{live_server.url}/account/import/")
    shoot(page, "import", size)
    page.set_input_files("input[name=archive]", str(archive))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Your export was imported").wait_for()
    assert "2 images added" in page.inner_text("main")
    shoot(page, "imported", size)
    page.goto(f"{live_server.url}/account/import/")
    page.set_input_files(
        "input[name=archive]",
        files=[{"name": "bad.zip", "mimeType": "application/zip", "buffer": b"not a zip"}],
    )
    page.get_by_role("button", name="Import").click()
    page.get_by_text("not a ZIP archive").wait_for()
    shoot(page, "import-refused", size)

    page.goto(f"{live_server.url}/account/delete/")
    shoot(page, "delete", size)
    page.fill("input[name=password]", "wrong")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("That is not your password").wait_for()
    page.fill("input[name=password]", "correct-horse-battery-staple")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("Your account was deleted").wait_for()
    shoot(page, "deleted", size)
    assert not get_user_model().objects.filter(username="bob").exists()
    other.close()
    context.close()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_password_set_for_a_social_only_account(browser, live_server, size):
    person = get_user_model().objects.create_user("socialite", email="s@example.com")
    client = Client()
    client.force_login(person)
    session = client.session
    session[REAUTH_SESSION_KEY] = time.time()
    session.save()
    context = browser.new_context(viewport=SIZES[size])
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME,
                          "value": session.session_key, "url": live_server.url}])  # fmt: skip
    page = context.new_page()
    page.goto(f"{live_server.url}/account/edit/")
    page.locator("section.your-data").scroll_into_view_if_needed()
    page.locator("section.your-data").get_by_role("link", name="Set a password").click()
    shoot(page, "password-set", size)
    page.fill("input[name=new_password1]", "a-brand-new-password-42")
    page.fill("input[name=new_password2]", "a-brand-new-password-42")
    page.get_by_role("button", name="Set the password").click()
    page.get_by_text("Your password is set").wait_for()
    person.refresh_from_db()
    assert person.has_usable_password()
    context.close()
