"""E-mail confirmation: links that prove a person reads the mail sent to one address.

A token is Django's `signing.dumps` (a TimestampSigner underneath) of the user's id and the
address, lower-cased, under a salt of its own: it cannot be reused as any other signed value,
expires after `MAX_AGE`, and confirms nothing but that address for that user. Once the address
is confirmed (or the account moved to another address), the same link confirms nothing more.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from bookmarks.ratelimit import hit

from .language import language_of

User = get_user_model()
logger = logging.getLogger(__name__)

SALT = "account.email-confirmation"
MAX_AGE = timedelta(days=3)


class MailNotSent(Exception):
    """The mail server refused or could not be reached; `message` tells the person."""

    def __init__(self, message: str | None = None):
        message = message or _("We could not send the e-mail just now. Please try again later.")
        super().__init__(message)
        self.message = message


class BadConfirmation(Exception):
    """The link cannot confirm anything; `message` tells the person why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def make_token(*, user, email: str) -> str:
    return signing.dumps({"u": user.pk, "e": email.lower()}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str]:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise BadConfirmation(
            _("This confirmation link has expired. Ask for a new one on your profile page.")
        ) from None
    except signing.BadSignature:
        raise BadConfirmation(_("This confirmation link is not valid.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise BadConfirmation(_("This confirmation link is not valid."))
    return data["u"], str(data.get("e", ""))


def site_url(request) -> str:
    """The absolute base URL for links in e-mails: SITE_URL, else the request's own."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def send_confirmation(*, request, user, email: str) -> None:
    """Mail `email` a link that confirms it for `user`. Counts against the "email_confirm"
    limit of this user (raises RateLimited past it), so nobody can use us to flood an inbox;
    raises MailNotSent when the mail server fails."""
    hit("email_confirm", f"user:{user.pk}")
    link = site_url(request) + reverse("email_confirm", args=[make_token(user=user, email=email)])
    context = {"user": user, "email": email, "link": link, "days": MAX_AGE.days}
    with language_of(user):
        subject = render_to_string("registration/email_confirm_subject.txt", context).strip()
        body = render_to_string("registration/email_confirm_email.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Confirmation mail to user %s not sent: %s", user.pk, error)
        raise MailNotSent() from error


def confirmable_user(token: str):
    """The user and the address a token would confirm, or BadConfirmation."""
    user_id, email = read_token(token)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or email not in (user.email.lower(), user.pending_email.lower()):
        raise BadConfirmation(
            _("This confirmation link is for an address your account no longer uses.")
        )
    return user, email


@transaction.atomic
def confirm_email(*, token: str):
    """Mark the token's address confirmed; a pending new address becomes the account's
    e-mail now (unless another account took it meanwhile). Returns the user."""
    user_id, _email = read_token(token)
    User.objects.select_for_update().filter(pk=user_id).first()  # one confirmation at a time
    user, email = confirmable_user(token)
    if email == user.email.lower():
        if not user.email_confirmed:
            user.email_confirmed = True
            user.save(update_fields=["email_confirmed"])
        return user
    taken = User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    if taken:
        raise BadConfirmation(
            _("Another account uses this e-mail address now, so it cannot become yours.")
        )
    user.email, user.pending_email, user.email_confirmed = user.pending_email, "", True
    user.save(update_fields=["email", "pending_email", "email_confirmed"])
    return user


def request_email_change(*, request, user, email: str) -> None:
    """Keep `email` as the account's pending new address and mail it a confirmation link; the
    current address stays in force (and reserved) until that link is opened. A pending
    address reserves nothing: whoever confirms an address first gets it."""
    send_confirmation(request=request, user=user, email=email)  # rate limited before saving
    user.pending_email = email
    user.save(update_fields=["pending_email"])
