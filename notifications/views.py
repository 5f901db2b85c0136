from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookmarks.http import safe_next
from bookmarks.paging import past_the_end

from . import digest, selectors, services
from .forms import PreferencesForm


@login_required
def notification_list(request):
    """The notifications, newest first; what a page shows is marked read as it is shown."""
    fragment = bool(request.GET.get("items_only"))
    page = selectors.notifications_page(request.user, request.GET.get("page", 1))
    if page is None:
        return past_the_end(request, fragment=fragment)
    shown_unread = [line.id for line in page.object_list if line.unread]
    if shown_unread:
        services.mark_read(user=request.user, ids=shown_unread)
    if fragment:
        return render(request, "notifications/_items.html", {"page": page})
    context = {"section": "notifications", "page": page}
    return render(request, "notifications/list.html", context)


def unread(request):
    if not request.user.is_authenticated:
        return JsonResponse({"status": "error", "message": _("Please log in first.")}, status=401)
    response = JsonResponse({"unread": services.unread_count(request.user.pk)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user)
    messages.success(request, _("All notifications marked read."))
    return redirect(safe_next(request, "/notifications/"))


@login_required
@require_POST
def preferences(request):
    form = PreferencesForm(request.POST, instance=services.preferences_for(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, _("Notification settings saved."))
    else:
        messages.error(request, _("Those settings could not be saved."))
    return redirect(safe_next(request, "/account/edit/"))


def unsubscribe(request, token):
    """The digest's link: works without logging in (the token is signed). GET asks, POST
    does it, so mail scanners that follow links unsubscribe nobody."""
    user_id = digest.user_id_from_token(token)
    if user_id is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        digest.unsubscribe(user_id=user_id)
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"done": False})
