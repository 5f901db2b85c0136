import io
import re
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bookmarks.social import Happening
from notifications.digest import send_digests
from notifications.models import Preferences
from notifications.services import notify
from tests.factories import make_image, make_user


def test_digest_mails_unread_notifications_once_a_day_with_a_working_unsubscribe(
    client, user, other_user
):
    Preferences.objects.create(user=user, email_digest=True)
    Preferences.objects.create(user=other_user, email_digest=False)
    notify(Happening.LIKED, actor=other_user, target=make_image(user, title="Sunset"))
    notify(Happening.LIKED, actor=user, target=make_image(other_user))  # bob did not ask
    out = io.StringIO()
    call_command("send_notification_digest", stdout=out)
    assert out.getvalue().strip() == "Sent 1 digest(s)."
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert 'Bob liked "Sunset"' in message.body
    assert send_digests() == 0  # not twice a day
    assert send_digests(now=timezone.now() + timedelta(days=1)) == 0  # nothing new

    link = re.search(
        r"https?://[^\s]*/notifications/unsubscribe/[^\s]+/|/notifications/unsubscribe/[^\s]+/",
        message.body,
    ).group(0)
    path = link[link.index("/notifications/") :]
    assert client.get(path).status_code == 200  # asks; a link scanner changes nothing
    assert Preferences.objects.get(user=user).email_digest
    assert client.post(path).status_code == 200  # no login needed
    assert not Preferences.objects.get(user=user).email_digest


def test_a_forged_unsubscribe_link_is_a_404(client, user):
    Preferences.objects.create(user=user, email_digest=True)
    assert client.post(f"/notifications/unsubscribe/{user.pk}:forged/").status_code == 404
    assert Preferences.objects.get(user=user).email_digest


def test_no_mail_without_unread_notifications(user):
    Preferences.objects.create(user=user, email_digest=True)
    make_user("carol")
    assert send_digests() == 0 and not mail.outbox
