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
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-roledescription"}
# Text of ours that is the same in every language.
NOT_TRANSLATED = {"Bookmarks", "Google", "Facebook", *(name for _code, name in settings.LANGUAGES)}


class _Text(HTMLParser):
    """The text of a page a person reads or hears, a piece per text node or attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._skipping += 1
        attributes = dict(attrs)
        for name in SHOWN_ATTRIBUTES & attributes.keys():
            self._add(attributes[name])
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self._add(attributes.get("value"))

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._skipping:
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
    for piece in sorted(theirs, key=len, reverse=True):
        text = text.replace(piece, " ")
    return text


def kept_on_purpose(language: str, text: str) -> bool:
    catalogue = trans_real.translation(language)._catalog
    return catalogue.get(text) == text


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
        same = set(texts(english.content.decode())) & set(texts(translated.content.decode()))
        left = sorted(
            text
            for text in same
            if len(text) > 1  # avatars' initials
            and re.search(r"[^\W\d_]", text)  # has letters
            and re.search(r"[^\W\d_]", without(text, own | NOT_TRANSLATED))
            and not kept_on_purpose(language, text)
        )
        assert left == [], f"English left on the {name} in {language}: {left}"
