"""Acceptance 4 of issue 22: slugs keep the letters of every script, and such an address
resolves (Django's URL patterns take the decoded path; <str:slug> matches it)."""

from urllib.parse import quote

import pytest

from tests.factories import make_image

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("京都の桜", "京都の桜"),
        ("Закат над морем", "закат-над-морем"),
        ("Crème brûlée!", "crème-brûlée"),
        ("★ ☆ ★", "image"),  # nothing left that is a letter or a digit
    ],
)
def test_a_title_in_any_script_gives_a_slug_in_that_script(user, title, slug):
    assert make_image(user, title=title).slug == slug


def test_a_japanese_slug_resolves_and_a_wrong_one_redirects_to_it(auth_client, user):
    image = make_image(user, title="京都の桜")
    url = image.get_absolute_url()
    assert url == f"/images/detail/{image.id}/{quote('京都の桜')}/"

    response = auth_client.get(url)
    assert response.status_code == 200
    assert "京都の桜" in response.content.decode()

    wrong = auth_client.get(f"/images/detail/{image.id}/kyoto/")
    assert (wrong.status_code, wrong["Location"]) == (301, url)
