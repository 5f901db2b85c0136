"""Every username that registration accepts has a working profile page, reached at the
address browsers really request (they resolve "." and ".." path steps before sending)."""

from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import resolve, reverse

from account.models import Contact
from tests.factories import make_user

User = get_user_model()
pytestmark = pytest.mark.django_db

# Each character our username rule allows besides letters and digits, at the start, the
# end and alone; non-ASCII letters; and names that look like other addresses under users/.
ACCEPTED = [
    "a.b", ".a", "a.", "...", "a+b", "+", "a-b", "-", "a_b", "_", "zoë", "Ünal",
    "名前", "follow", "edit", "x" * 150,
]  # fmt: skip
# "@" is refused too: no username may pass for someone's e-mail address at the login.
REFUSED = [
    ".",
    "..",
    "a@b",
    "@",
    "a@b.example.com",
    "a/b",
    "a b",
    "a%2Fb",
    "a?b",
    "a#b",
    "",
    "x" * 151,
]


def register(client, username: str):
    return client.post(
        reverse("register"),
        {
            "username": username,
            "first_name": "Pat",
            "email": "pat@example.com",
            "password": "purple-elephant-42",
            "password2": "purple-elephant-42",
        },
    )


def as_a_browser_sends_it(path: str) -> str:
    return urlsplit(urljoin("http://testserver/", path)).path


@pytest.mark.parametrize("username", ACCEPTED)
def test_every_accepted_username_has_a_working_profile_page(client, username):
    assert register(client, username).status_code == 302
    person = User.objects.get(username=username)
    path = as_a_browser_sends_it(person.get_absolute_url())
    match = resolve(unquote(path))  # as the server decodes it
    assert (match.url_name, match.kwargs) == ("user_detail", {"username": username})
    page = client.get(path)
    assert page.status_code == 200
    assert page.context["person"] == person

    # Someone else can follow them from that page (the follow form posts elsewhere).
    visitor = make_user("visitor")
    client.force_login(visitor)
    html = client.get(path).content.decode()
    assert f'action="{reverse("user_follow")}"' in html
    followed = client.post(reverse("user_follow"), {"id": person.id, "action": "follow"})
    assert followed.status_code == 302
    assert Contact.objects.filter(user_from=visitor, user_to=person).exists()


@pytest.mark.parametrize("username", REFUSED)
def test_usernames_without_a_possible_profile_page_are_refused(client, username):
    response = register(client, username)
    assert response.status_code == 400
    assert "username" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize(("wanted", "expected"), [(".", "user"), ("..", "user"), ("a.b", "a.b")])
def test_social_logins_get_a_username_with_a_profile_page_too(wanted, expected):
    from social_django.utils import load_strategy

    from account.social import get_username

    assert get_username(load_strategy(), {"username": wanted})["username"] == expected
