from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookmarks import ratelimit
from bookmarks.http import Refused, rate_limited_response, refused_response
from bookmarks.ratelimit import RateLimited

from .services import block_user, unblock_user


class BlockForm(forms.Form):
    action = forms.ChoiceField(choices=[("block", "block"), ("unblock", "unblock")])


@login_required
@require_POST
def block(request, username):
    """POST action=block|unblock from a person's page; back to their page (or, once blocked,
    to the people list: their page stays visible to you, but you may want to leave it)."""
    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None:
        raise Http404("No such user.")
    form = BlockForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("Choose block or unblock."))
        ratelimit.hit("block", str(request.user.pk))
        if form.cleaned_data["action"] == "block":
            block_user(blocker=request.user, blocked=person)
            messages.success(
                request,
                _(
                    "You blocked %(username)s: they can no longer follow you, see your "
                    "page, or like, save or comment on your images."
                )
                % {"username": person.username},
            )
        else:
            unblock_user(blocker=request.user, blocked=person)
            messages.success(
                request, _("You unblocked %(username)s.") % {"username": person.username}
            )
    except RateLimited as refusal:
        return rate_limited_response(request, refusal)
    except Refused as refusal:
        return refused_response(request, refusal)
    return redirect(person)
