"""Pages that send or act on e-mail: confirmation links, changing the address, password reset.

Every mail these pages send counts against a Redis rate limit (bookmarks/ratelimit.py) and a
refusal is the shared 429 page. Links in mails start with SITE_URL when it is set.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookmarks.clientip import client_key
from bookmarks.http import rate_limited_response
from bookmarks.ratelimit import RateLimited, hit

from .confirmation import (
    BadConfirmation,
    MailNotSent,
    confirm_email,
    confirmable_user,
    request_email_change,
    send_confirmation,
    site_url,
)
from .forms import EmailChangeForm, PersonLanguagePasswordResetForm
from .social import connected_accounts, reauthenticated_recently


def email_confirm(request, token):
    """GET shows what the link confirms and a button; the POST (CSRF-checked) confirms, so
    a mail scanner following links changes nothing."""
    try:
        if request.method == "POST":
            user = confirm_email(token=token)
        else:
            user, email = confirmable_user(token)
    except BadConfirmation as refusal:
        context = {"message": refusal.message}
        return render(request, "registration/email_confirm.html", context, status=400)
    if request.method == "GET":
        return render(request, "registration/email_confirm.html", {"email": email})
    messages.success(request, _("Thank you: %(email)s is confirmed.") % {"email": user.email})
    return redirect("edit" if request.user == user else "login")


@require_POST
@login_required
def email_confirm_resend(request):
    user = request.user
    email = user.pending_email or ("" if user.email_confirmed else user.email)
    if not email:
        messages.info(request, _("Your e-mail address is already confirmed."))
        return redirect("edit")
    try:
        send_confirmation(request=request, user=user, email=email)
    except RateLimited as refusal:
        return rate_limited_response(request, refusal)
    except MailNotSent as failure:
        messages.error(request, failure.message)
        return redirect("edit")
    sent = _("We sent a new confirmation link to %(email)s.") % {"email": email}
    messages.success(request, sent)
    return redirect("edit")


@login_required
def email_change(request):
    """A new address asks for the current password, or, for an account without one (social
    only), a fresh login with a provider it already has connected; it becomes the account's
    address only once the link mailed to it is opened."""
    user = request.user
    if not user.has_usable_password() and not reauthenticated_recently(request):
        context = {
            "connected": [
                a for a in connected_accounts(user) if a.association and a.provider.configured
            ]
        }
        status = 403 if request.method == "POST" else 200
        return render(request, "account/email_reauth.html", context, status=status)
    form = EmailChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            request_email_change(request=request, user=user, email=email)
        except RateLimited as refusal:
            return rate_limited_response(request, refusal)
        except MailNotSent as failure:
            not_changed = _("Your e-mail address was not changed.")
            messages.error(request, f"{failure.message} {not_changed}")
            return redirect("edit")
        messages.success(
            request,
            _("We sent a confirmation link to %(email)s. Your address changes when you open it.")
            % {"email": email},
        )
        return redirect("edit")
    status = 400 if request.method == "POST" else 200
    return render(request, "account/email_change.html", {"form": form}, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, rate limited per client and per address asked for (alike whether an account
    has the address, so the answer tells nothing), with links under SITE_URL, written in the
    account's language."""

    form_class = PersonLanguagePasswordResetForm

    def form_valid(self, form):
        try:
            hit("password_reset", client_key(self.request))
            hit("password_reset_email", form.cleaned_data["email"].strip().lower())
        except RateLimited as refusal:
            return rate_limited_response(self.request, refusal)
        self.extra_email_context = {"site_url": site_url(self.request)}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; a reset through the mailed link also confirms the address (Django's reset
    token is bound to the account's current e-mail)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.email and not user.email_confirmed:
            user.email_confirmed = True
            user.save(update_fields=["email_confirmed"])
        return response
