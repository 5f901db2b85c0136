"""Each language for real: the dashboard, an image page and the bookmark form, rendered in
Spanish, German, French and Simplified Chinese, keep no English text of ours.

How: the same page is rendered in English and in the language, and every piece of text a
person reads (text nodes, and the title / aria-label / placeholder / alt / value attributes)
is compared. A piece that is the same in both is English left over, unless it is the people's
own content (titles, names, comments), has no letters, or is a catalogue entry the translators
deliberately kept as it is (French "Images", German "Name")."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import trans_real

from account.services import follow_user
from actions.models import Verb
from actions.services import create_action
from comments.services import add_comment
from images.services import like_image
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Not prose: scripts, and the search syntax's examples (`by:ana`, `#tag`), code in any language.
SKIPPED = {"script", "style", "template", "code", "kbd"}
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-roledescription"}
# Text of ours that is the same in every language.
NOT_TRANSLATED = {
    "Bookmarks",
    "Google",
    "Facebook",
    "REST API",
    *(name for _code, name in settings.LANGUAGES),
}


class _Text(HTMLParser):
    """The text of a page a person reads or hears, a piece per text node or attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skipping += 1
        attributes = dict(attrs)
        for name in SHOWN_ATTRIBUTES & attributes.keys():
            self._add(attributes[name])
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self._add(attributes.get("value"))

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self._add(data)

    def _add(self, text):
        text = re.sub(r"\s+", " ", text or "").strip()
        if text:
            self.pieces.append(text)


def texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.pieces


def without(text: str, theirs: set[str]) -> str:
    """`text` with the people's content and our untranslated names taken out (longest first):
    "Sunset · Bookmarks", a title made of a person's title and the site's name, has no
    English of ours left."""
    if any(text in piece for piece in theirs):
        return ""  # a part of someone's text, e.g. a title cut by the search highlight
    for piece in sorted(theirs, key=len, reverse=True):
        text = text.replace(piece, " ")
    return text


def kept_on_purpose(language: str, text: str) -> bool:
    """Translated as itself, in every part of a title ("Images · Bookmarks") and with or
    without a form label's colon."""
    catalogue = trans_real.translation(language)._catalog
    parts = [part.strip().rstrip(":：").strip() for part in text.split(" · ")]
    return all(part in NOT_TRANSLATED or catalogue.get(part) == part for part in parts if part)


def left_over(english, translated, language: str, own: set[str]) -> list[str]:
    """The pieces of text the same in both renderings that are English of ours."""
    same = set(texts(english.content.decode())) & set(texts(translated.content.decode()))
    return sorted(
        text
        for text in same
        if len(text) > 1  # avatars' initials
        and re.search(r"[^\W\d_]", without(text, own | NOT_TRANSLATED))  # letters of ours
        and not kept_on_purpose(language, text)
    )


@pytest.fixture
def scene(db):
    """Alice follows Bob; Bob saved a picture that Alice liked and commented on."""
    alice = make_user("alice", first_name="Alice")
    bob = make_user("bob", first_name="Bob")
    image = make_image(bob, title="Sunset over the harbour")
    image.description = "Taken from the old pier at dusk."
    image.save(update_fields=["description"])
    create_action(bob, Verb.BOOKMARKED, image)
    follow_user(user_from=alice, user_to=bob, follow=True)
    like_image(user=alice, image_id=image.id, like=True)
    add_comment(author=alice, image=image, body="Lovely colours")
    alice.own_image = make_image(alice, title="A red square")
    own = {
        "alice",
        "bob",
        "Alice",
        "Bob",
        image.title,
        image.description,
        "Lovely colours",
        "pictures.example",
        image.url,
        alice.email,
        bob.email,
        alice.own_image.title,
    }
    return alice, image, own


def pages(image):
    return {
        "dashboard": reverse("dashboard"),
        "image page": image.get_absolute_url(),
        "bookmark form": reverse("images:create")
        + "?url=https://pictures.example/a.png&title=Sunset",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_keep_no_english_of_ours(client, scene, language):
    alice, image, own = scene
    client.force_login(alice)
    for name, url in pages(image).items():
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        translated = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert english.status_code == translated.status_code == 200, name
        assert f'<html lang="{language}"' in translated.content.decode()
        left = left_over(english, translated, language, own)
        assert left == [], f"English left on the {name} in {language}: {left}"


def more_pages(image, alice):
    """The rest of a signed-in person's pages, each in a state with content."""
    return {
        "image list": reverse("images:list"),
        "ranking": reverse("images:ranking"),
        "people": reverse("user_list"),
        "a person's page": reverse("user_detail", args=["bob"]),
        "a person's boards": reverse("user_boards", args=["bob"]),
        "a person's likes": reverse("user_likes", args=["alice"]),
        "followers": reverse("user_followers", args=["bob"]),
        "profile": reverse("edit"),
        "notifications": reverse("notifications:list"),
        "search": reverse("search:results") + "?q=sunset",
        "no results": reverse("search:results") + "?q=zebra",
        "edit an image": reverse("images:edit", args=[alice.own_image.id]),
        "new board": reverse("boards:new"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_other_page_keeps_no_english_of_ours(client, scene, language):
    alice, image, own = scene
    client.force_login(alice)
    for name, url in more_pages(image, alice).items():
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        translated = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert english.status_code == translated.status_code == 200, name
        assert left_over(english, translated, language, own) == [], f"{name} in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visitor_s_pages_keep_no_english_of_ours(client, language):
    for name in ["login", "register", "password_reset"]:
        url = reverse(name)
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        translated = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert english.status_code == translated.status_code == 200, name
        assert left_over(english, translated, language, set()) == [], f"{name} in {language}"
