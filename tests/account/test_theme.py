"""The colour theme: the top bar's light / dark / system switch, kept per person (Profile.theme,
copied into the session at login) and for visitors (a cookie), written into <html data-theme>."""

import re

import pytest
from django.urls import reverse

from account.models import Profile, Theme

pytestmark = pytest.mark.django_db


def theme_of(response) -> str:
    return re.search(r'<html lang="[^"]+" data-theme="([^"]+)"', response.content.decode())[1]


def test_a_visitor_follows_the_system_until_choosing_and_the_cookie_keeps_it(client):
    assert theme_of(client.get(reverse("login"))) == Theme.SYSTEM
    answer = client.post(reverse("choose_theme"), {"theme": "dark", "next": "/account/register/"})
    assert (answer.status_code, answer["Location"]) == (302, "/account/register/")
    cookie = answer.cookies["theme"]
    assert cookie.value == "dark" and cookie["samesite"] == "Lax" and cookie["max-age"]
    page = client.get(reverse("login"))
    assert theme_of(page) == "dark"
    assert 'value="dark" aria-pressed="true"' in page.content.decode()


def test_a_person_s_choice_is_saved_and_follows_them_to_a_new_login(client, user):
    client.force_login(user)
    client.post(reverse("choose_theme"), {"theme": "light", "next": "/images/"})
    assert Profile.objects.get(user=user).theme == Theme.LIGHT
    assert theme_of(client.get(reverse("dashboard"))) == "light"

    elsewhere = type(client)()  # another browser: no cookie
    elsewhere.force_login(user)
    assert theme_of(elsewhere.get(reverse("dashboard"))) == "light"


def test_the_saved_theme_wins_over_an_old_cookie_once_logged_in(client, user):
    Profile.objects.filter(user=user).update(theme=Theme.DARK)
    client.cookies["theme"] = "light"
    assert theme_of(client.get(reverse("login"))) == "light"
    client.force_login(user)
    assert theme_of(client.get(reverse("dashboard"))) == "dark"


@pytest.mark.parametrize("data", [{}, {"theme": "purple"}, {"theme": ""}])
def test_an_unknown_theme_is_refused_with_a_message(client, data):
    answer = client.post(reverse("choose_theme"), data)
    assert answer.status_code == 400
    assert "Choose a theme" in answer.content.decode()
    assert "theme" not in answer.cookies


def test_the_switch_never_sends_anyone_off_site(client):
    answer = client.post(
        reverse("choose_theme"), {"theme": "dark", "next": "https://evil.example.com/"}
    )
    assert (answer.status_code, answer["Location"]) == (302, "/")


def test_the_switch_is_a_post_with_csrf(client):
    assert client.get(reverse("choose_theme")).status_code == 405
    strict = type(client)(enforce_csrf_checks=True)
    assert strict.post(reverse("choose_theme"), {"theme": "dark"}).status_code == 403
