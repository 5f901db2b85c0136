"""Mails are written in the language the person chose, whatever page (or worker) sends them:
the password reset, the address confirmation and the daily digest."""

import pytest
from django.core import mail
from django.urls import reverse

from account.models import Profile
from bookmarks.social import Happening
from notifications.digest import send_digests
from notifications.models import Preferences
from notifications.services import notify
from tests.factories import PASSWORD, make_image

pytestmark = pytest.mark.django_db


def speaks(user, language):
    Profile.objects.filter(user=user).update(language=language)


def test_the_password_reset_mail_is_in_the_account_s_language_not_the_page_s(client, user):
    speaks(user, "de")
    answer = client.post(
        reverse("password_reset"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Setze dein Bookmarks-Passwort zurück"


def test_without_a_choice_the_reset_mail_is_in_the_page_s_language(client, user):
    client.post(reverse("password_reset"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="es")
    (message,) = mail.outbox
    assert "Bookmarks" in message.subject and message.subject != "Reset your Bookmarks password"


def test_the_confirmation_mail_is_in_the_person_s_language(client, user):
    client.force_login(user)
    speaks(user, "fr")  # chosen in another browser: this session's pages are still English
    client.post(
        reverse("email_change"),
        {"email": "new@example.com", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]
    assert message.subject == "Confirmez votre adresse e-mail pour Bookmarks"


def test_the_digest_sent_by_a_worker_is_in_each_person_s_language(user, other_user):
    speaks(user, "zh-hans")
    Preferences.objects.create(user=user, email_digest=True)
    Preferences.objects.create(user=other_user, email_digest=True)
    notify(Happening.LIKED, actor=other_user, target=make_image(user, title="Sunset"))
    notify(Happening.LIKED, actor=user, target=make_image(other_user, title="Harbour"))
    assert send_digests() == 2
    by_person = {message.to[0]: message for message in mail.outbox}
    assert by_person[user.email].subject == "你的Bookmarks摘要"
    assert by_person[other_user.email].subject == "Your Bookmarks digest"  # no choice: English
