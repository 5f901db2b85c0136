"""Your data: export (a streamed ZIP), import, delete the account, set a first password.

Accounts without a usable password (Google or Facebook only) prove it's them before deleting
the account or setting a password by a fresh login with a provider they already connected
(account.social.reauthenticated_recently: within the last 10 minutes, as for an e-mail change).
"""

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from account.services import delete_account
from account.social import connected_accounts, reauthenticated_recently
from bookmarks.http import rate_limited_response
from bookmarks.ratelimit import Busy, RateLimited, hit, one_at_a_time

from .export import export_data, export_filename, stream_export
from .forms import DeleteAccountForm, ImportForm
from .services import ImportRefused, import_archive

BUSY_IMPORTING = gettext_lazy("An import of yours is already running. Wait until it is done.")


@require_POST
@login_required
def export(request):
    try:
        hit("export", str(request.user.pk))
    except RateLimited as refusal:
        return rate_limited_response(request, refusal)
    response = StreamingHttpResponse(
        stream_export(export_data(request.user)), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(request.user.username)}"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx passes the chunks on as they come
    return response


@login_required
def import_archive_view(request):
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        key = str(request.user.pk)
        try:
            with one_at_a_time("import", key, ttl=900, message=BUSY_IMPORTING):
                hit("import", key)
                report = import_archive(user=request.user, archive=form.cleaned_data["archive"])
        except (RateLimited, Busy) as refusal:
            return rate_limited_response(request, refusal)
        except ImportRefused as refusal:
            form.add_error("archive", str(refusal))
        else:
            return render(request, "portability/imported.html", {"report": report})
    status = 400 if posted else 200
    return render(request, "portability/import.html", {"form": form}, status=status)


def _reauth(request, *, purpose: str, next_url: str):
    """The page asking a person without a password to log in again with a provider; `purpose`
    is the page's whole request ("Your account has no password, so before you …")."""
    connected = [
        a for a in connected_accounts(request.user) if a.association and a.provider.configured
    ]
    context = {"purpose": purpose, "next_url": next_url, "connected": connected}
    status = 403 if request.method == "POST" else 200
    return render(request, "portability/reauth.html", context, status=status)


def _needs_reauth(request) -> bool:
    return not request.user.has_usable_password() and not reauthenticated_recently(request)


@login_required
def delete_account_view(request):
    if _needs_reauth(request):
        purpose = _(
            "Your account has no password, so before you delete your account, please log in "
            "again with an account you connected."
        )
        return _reauth(request, purpose=purpose, next_url=request.path)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        try:
            hit("account_delete", str(request.user.pk))  # guesses of the password
        except RateLimited as refusal:
            return rate_limited_response(request, refusal)
        if form.is_valid():
            delete_account(user=request.user)
            logout(request)
            return redirect("portability:deleted")
    status = 400 if request.method == "POST" else 200
    return render(request, "portability/delete.html", {"form": form}, status=status)


def deleted(request):
    return render(request, "portability/deleted.html")


@login_required
def password_set(request):
    user = request.user
    if user.has_usable_password():
        messages.info(request, _("Your account has a password already: change it here."))
        return redirect("password_change")
    if _needs_reauth(request):
        purpose = _(
            "Your account has no password, so before you set a password, please log in again "
            "with an account you connected."
        )
        return _reauth(request, purpose=purpose, next_url=request.path)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)  # this session stays logged in
        messages.success(request, _("Your password is set: you can now log in with it too."))
        return redirect("edit")
    status = 400 if request.method == "POST" else 200
    return render(request, "portability/password_set.html", {"form": form}, status=status)
