"""The profile page's token management (the list itself is the {% api_tokens %} tag that
templates/account/edit.html draws): make a token, shown once on its own page, and revoke
one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import RevokeForm, TokenForm
from .models import Token
from .tokens import TokenLimit, create_token, revoke_token


@never_cache
@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The token was not made: please correct the errors below."))
        return render(request, "api/token_form.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        token, secret = create_token(
            user=request.user,
            name=data["name"],
            scope=data["scope"],
            expires_in_days=data["expires"],
        )
    except TokenLimit as refusal:
        messages.error(request, str(refusal))
        return redirect("edit")
    # The secret exists only in this answer: never stored, never sent again.
    return render(request, "api/token_created.html", {"token": token, "secret": secret})


@login_required
@require_POST
def token_revoke(request):
    form = RevokeForm(request.POST)
    try:
        token = (
            revoke_token(user=request.user, token_id=form.cleaned_data["id"])
            if form.is_valid()
            else None
        )
    except Token.DoesNotExist:
        token = None
    if token is None:
        messages.error(request, _("No such token of yours."))
    else:
        messages.success(
            request,
            _("The token “%(name)s” was revoked: it no longer works.") % {"name": token.name},
        )
    return redirect("edit")
