"""The language chooser: kept per person (Profile.language, copied into the session at login)
and for visitors (Django's language cookie); otherwise the browser's Accept-Language."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from account.models import Profile

pytestmark = pytest.mark.django_db


def language_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def test_a_visitor_gets_their_browser_s_language_until_choosing(client):
    assert language_of(client.get(reverse("login"))) == "en"
    assert language_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")) == "fr"
    assert language_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN")) == "zh-hans"

    answer = client.post(
        reverse("choose_language"), {"language": "de", "next": "/account/register/"}
    )
    assert (answer.status_code, answer["Location"]) == (302, "/account/register/")
    cookie = answer.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "de" and cookie["samesite"] == "Lax" and cookie["max-age"]
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")
    assert language_of(page) == "de"  # the choice wins over the browser
    assert re.search(r'<option value="de" lang="de" selected>', page.content.decode())


def test_the_chooser_offers_every_language_in_its_own_name(client):
    page = client.get(reverse("login")).content.decode()
    names = re.findall(r'<option value="([^"]+)" lang="[^"]+"[^>]*>([^<]+)</option>', page)
    assert dict(names) == {
        "en": "English",
        "es": "Español",
        "de": "Deutsch",
        "fr": "Français",
        "zh-hans": "简体中文",
    }


def test_a_person_s_choice_is_saved_and_follows_them_to_a_new_login(client, user):
    client.force_login(user)
    client.post(reverse("choose_language"), {"language": "es", "next": "/images/"})
    assert Profile.objects.get(user=user).language == "es"
    assert language_of(client.get(reverse("dashboard"))) == "es"

    elsewhere = type(client)()  # another browser: no cookie, an English browser
    elsewhere.force_login(user)
    assert language_of(elsewhere.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")) == "es"


def test_without_a_saved_choice_a_person_follows_their_browser(client, user):
    client.force_login(user)
    assert language_of(client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="de")) == "de"


@pytest.mark.parametrize("data", [{}, {"language": "xx"}, {"language": ""}, {"language": "en-gb"}])
def test_an_unknown_language_is_refused_with_a_message(client, user, data):
    client.force_login(user)
    answer = client.post(reverse("choose_language"), data)
    assert answer.status_code == 400
    assert "Choose one of the site’s languages" in answer.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies
    assert Profile.objects.get(user=user).language == ""


def test_the_chooser_never_sends_anyone_off_site(client):
    answer = client.post(
        reverse("choose_language"), {"language": "fr", "next": "https://evil.example.com/"}
    )
    assert (answer.status_code, answer["Location"]) == (302, "/")


def test_the_script_catalogue_is_per_language_cacheable_and_only_for_offered_ones(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    url = re.search(r'<script src="(/jsi18n/de/\?v=[0-9a-f]+)"></script>', page)[1]
    answer = client.get(url)
    assert answer.status_code == 200 and "django.gettext" in answer.content.decode()
    assert "max-age=86400" in answer["Cache-Control"]
    assert client.get("/jsi18n/xx/").status_code == 404


def test_the_api_answers_in_english_whatever_the_browser_asks(client):
    answer = client.get("/api/v1/images/", HTTP_ACCEPT_LANGUAGE="de")
    assert answer.status_code == 401
    assert answer["Content-Language"] == "en"
