"""The daily e-mail digest: unread notifications since the last digest, for people who asked.

Sent by a background job: every worker queues `send_due_digests` once an hour
(settings.JOB_PERIODIC, bookmarks.jobs.queue_periodic_jobs), and each person gets at most one
mail a day, so no cron is needed (`python manage.py send_notification_digest` sends the due
ones at once, by hand). Each mail has an unsubscribe link that works without logging in:
a signed token of the person's id (no expiry: an old mail's link still unsubscribes).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from account.language import language_of

from .models import Notification, Preferences
from .selectors import _line, with_targets

_SALT = "bookmarks.notifications.unsubscribe"
SHOWN = 20


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=_SALT)


def user_id_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe(*, user_id: int) -> None:
    Preferences.objects.filter(user_id=user_id).update(email_digest=False)


def send_due_digests() -> int:
    """The periodic job: mail everyone whose digest is due (see send_digests)."""
    return send_digests()


def send_digests(*, now=None, base_url: str = "") -> int:
    """Mail each person who wants the digest their unread notifications since their last
    one (at most one a day); how many mails were sent."""
    now = now or timezone.now()
    base_url = base_url or settings.SITE_URL
    due = Preferences.objects.filter(email_digest=True, user__is_active=True).exclude(
        digest_sent_at__gt=now - timedelta(hours=23)
    )
    sent = 0
    for prefs in due.select_related("user__profile").iterator():
        since = prefs.digest_sent_at or now - timedelta(days=1)
        unread = Notification.objects.filter(
            recipient=prefs.user, read_at=None, updated__gt=since
        ).select_related("actor")
        rows = list(with_targets(unread, prefs.user).order_by("-updated")[:SHOWN])
        if rows and prefs.user.email:
            sent += _send_digest(prefs.user, rows, base_url)
        with transaction.atomic():
            Preferences.objects.filter(pk=prefs.pk).update(digest_sent_at=now)
    return sent


def _send_digest(user, rows, base_url: str) -> int:
    """Mail `user` their digest of `rows`, in their language (the site's default when they
    have not chosen one: a worker has no request to take it from); 1 when sent."""
    with language_of(user, fallback=settings.LANGUAGE_CODE):
        lines = [_line(n) for n in rows if n.target is not None]
        if not lines:
            return 0
        link = base_url + reverse("notifications:unsubscribe", args=[unsubscribe_token(user.pk)])
        context = {"user": user, "lines": lines, "unsubscribe": link, "base": base_url}
        send_mail(
            _("Your Bookmarks digest"),
            render_to_string("notifications/digest_email.txt", context),
            None,
            [user.email],
        )
    return 1
