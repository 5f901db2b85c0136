"""Uploading on the "Bookmark an image" page in real Chromium: choose a file, drop one, or
paste one (Ctrl/Cmd+V), all through static/js/upload.js under our strict CSP."""

import base64

import pytest

from images.models import Image
from tests.images.imagedata import make_image_bytes

NOT_AN_IMAGE = "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image"

pytestmark = pytest.mark.e2e

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""

# Build a File from base64 in the page and hand it over the way a browser does for a real
# drop or paste: a DataTransfer carried by the event.
DISPATCH_FILE = """
([kind, name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: type }));
  const options = { bubbles: true, cancelable: true };
  if (kind === "drop") {
    const zone = document.querySelector("[data-dropzone]");
    const drag = (type) => new DragEvent(type, { dataTransfer: transfer, ...options });
    zone.dispatchEvent(drag("dragenter"));
    zone.dispatchEvent(drag("dragover"));
    const dragging = zone.classList.contains("is-dragging");
    zone.dispatchEvent(drag("drop"));
    return dragging;
  }
  const paste = new ClipboardEvent("paste", { clipboardData: transfer, ...options });
  document.body.dispatchEvent(paste);
  return true;
}
"""


def open_create_page(context, live_server, query=""):
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/images/create/" + query)
    return page, errors


def send_file(page, kind, name, content, content_type):
    data = base64.b64encode(content).decode()
    return page.evaluate(DISPATCH_FILE, [kind, name, content_type, data])


def submit_and_get_image(page, alice):
    page.get_by_role("button", name="Bookmark it!").click()
    page.wait_for_url("**/images/detail/**")
    image = Image.objects.get(user=alice)
    assert image.url == ""
    return image


def test_drop_a_file_and_bookmark_it(context, live_server, alice, shot):
    page, errors = open_create_page(context, live_server)
    assert send_file(page, "drop", "sunset.png", make_image_bytes("PNG", (640, 480)), "image/png")
    assert page.locator("[data-dropzone-name]").inner_text().startswith("sunset.png")
    assert page.locator("[data-dropzone]").get_attribute("class").split() == [
        "dropzone",
        "has-file",
    ]
    assert page.locator("input[name=title]").input_value() == "sunset"  # from the file name
    page.locator("[data-preview]").wait_for(state="visible")
    shot(page, "imaging-create-dropped-1280", full_page=True)
    image = submit_and_get_image(page, alice)
    assert (image.title, image.image.name.rsplit(".", 1)[1]) == ("sunset", "png")
    assert image.thumbnails["list"]["width"] == 400
    assert "Image bookmarked." in page.content()
    assert page.evaluate("window.__csp") == [] and errors == []


def test_paste_an_image_and_bookmark_it(context, live_server, alice):
    page, errors = open_create_page(context, live_server, "?url=https://x.example/a.jpg")
    page.locator("input[name=title]").fill("Pasted")
    send_file(page, "paste", "image.png", make_image_bytes("JPEG", (500, 400)), "image/jpeg")
    # The pasted file replaces the address: the server takes one or the other.
    assert page.locator("input[name=url]").input_value() == ""
    assert page.locator("[data-dropzone-name]").inner_text().startswith("pasted-image.jpeg")
    assert page.locator("input[name=title]").input_value() == "Pasted"  # typed: kept
    image = submit_and_get_image(page, alice)
    assert image.image.name.endswith(".jpg")  # from the content
    assert page.evaluate("window.__csp") == [] and errors == []


def test_choose_a_file_and_a_bad_one_is_refused_with_the_reason(context, live_server, alice):
    page, errors = open_create_page(context, live_server)
    page.locator("input[name=title]").fill("Not a picture")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    page.locator("input[type=file]").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": svg}
    )
    assert page.locator("[data-dropzone-name]").inner_text().startswith("logo.png")
    page.get_by_role("button", name="Bookmark it!").click()
    page.wait_for_load_state("load")
    assert NOT_AN_IMAGE in page.locator(".dropzone").inner_text()
    assert Image.objects.count() == 0
    assert page.evaluate("window.__csp") == [] and errors == []


def test_remove_clears_the_chosen_file(context, live_server, alice):
    page, _ = open_create_page(context, live_server)
    send_file(page, "drop", "a.png", make_image_bytes("PNG"), "image/png")
    page.get_by_role("button", name="Remove").click()
    assert page.locator("[data-dropzone-chosen]").is_hidden()
    assert page.evaluate("document.querySelector('input[type=file]').files.length") == 0


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_create_page_screenshots(browser, live_server, alice, shot, width, height):
    from tests.e2e.conftest import login_context

    context = login_context(
        browser, live_server, alice, viewport={"width": width, "height": height}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/images/create/")
        shot(page, f"imaging-create-{width}", full_page=True)
        send_file(page, "drop", "harbour.jpg", make_image_bytes("JPEG", (900, 600)), "image/jpeg")
        page.locator("[data-preview]").wait_for(state="visible")
        shot(page, f"imaging-create-chosen-{width}", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow
    finally:
        context.close()
