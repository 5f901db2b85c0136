from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards.selectors import boards_of, boards_shared_with
from bookmarks import eventauth, ratelimit
from bookmarks.clientip import client_key
from bookmarks.http import (
    Refused,
    post_endpoint,
    rate_limited_response,
    refused_response,
    safe_next,
)
from bookmarks.i18n import offered
from bookmarks.imaging import ImageError
from bookmarks.paging import past_the_end
from bookmarks.ratelimit import RateLimited, hit
from images.selectors import image_page, liked_images_page, person_tags

from . import language, selectors, theme
from .confirmation import MailNotSent, send_confirmation
from .forms import FollowForm, ProfileEditForm, UserEditForm, UserRegistrationForm
from .models import Theme
from .services import (
    ensure_profile,
    follow_user,
    register_user,
    save_profile,
    set_language,
    set_theme,
)
from .social import connected_accounts


def register(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = UserRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hit("register", client_key(request))
        except RateLimited as refusal:
            return rate_limited_response(request, refusal)
        user = register_user(
            username=data["username"],
            email=data["email"],
            password=data["password"],
            first_name=data["first_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        welcome = _("Welcome to Bookmarks, %(name)s!") % {"name": user.display_name}
        try:
            send_confirmation(request=request, user=user, email=user.email)
        except MailNotSent:
            messages.success(request, welcome)
            messages.warning(
                request,
                _(
                    "We could not send the link that confirms your e-mail address: "
                    "ask for it again on your profile page."
                ),
            )
        else:
            sent = _("We sent a link to %(email)s: open it to confirm it.") % {"email": user.email}
            messages.success(request, f"{welcome} {sent}")
        return redirect("dashboard")
    status = 400 if request.method == "POST" else 200  # the form was refused
    return render(request, "account/register.html", {"form": form}, status=status)


@login_required
def edit(request):
    profile = ensure_profile(request.user)
    user_form = UserEditForm(request.POST or None, instance=request.user)
    profile_form = ProfileEditForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST":
        if user_form.is_valid() and profile_form.is_valid():
            try:
                save_profile(user_form=user_form, profile_form=profile_form)
            except ImageError as error:  # the avatar could not be made from the photo
                profile_form.add_error("photo", error.message)
            else:
                messages.success(request, _("Your profile was updated."))
                return redirect("edit")
        messages.error(request, _("Your profile was not updated: please correct the errors below."))
    context = {"user_form": user_form, "profile_form": profile_form}
    context["connected_accounts"] = connected_accounts(request.user)
    status = 400 if request.method == "POST" else 200  # the form was refused
    return render(request, "account/edit.html", context, status=status)


def locked_out(request, original_response=None, credentials=None, *args, **kwargs):
    """What django-axes answers while a client is locked out after too many wrong passwords."""
    minutes = settings.LOGIN_COOLOFF_MINUTES
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def dashboard(request):
    page, followed = selectors.dashboard_feed(request.user, page=request.GET.get("page", 1))
    if page is None:
        return past_the_end(request, fragment=bool(request.GET.get("actions_only")))
    context = {"page": page}
    if request.GET.get("actions_only"):
        return render(request, "actions/_feed_items.html", context)
    context.update(
        section="dashboard",
        follows_anyone=bool(followed),
        # New actions of the people followed reach the page live (more: it polls instead).
        live_feed_token=eventauth.feed_token(request.user.pk, followed)
        if 0 < len(followed) <= eventauth.FEED_MAX_ACTORS
        else "",
        recently_viewed=selectors.recently_viewed(request.user),
    )
    return render(request, "account/dashboard.html", context)


@login_required
def user_list(request):
    page = selectors.people_page(request.GET.get("page"), viewer=request.user)
    if page is None:
        return past_the_end(request)
    return render(request, "account/user/list.html", {"section": "people", "page": page})


def _person_or_404(request, username: str):
    """The active person `username` as their page shows them; 404 when there is none, or
    when they blocked the viewer (their page is hidden from them)."""
    try:
        person = selectors.active_user(username, viewer=request.user)
    except selectors.User.DoesNotExist:
        raise Http404("No such user.") from None
    if person.blocks_viewer:
        raise Http404("No such user.")
    return person


def _person_context(person, tab: str, page) -> dict:
    """What every tab of a person's page draws in its head (account/user/_head.html)."""
    return {
        "section": "people",
        "person": person,
        "page": page,
        "tab": tab,
        "blocked": person.blocked_by_viewer,
    }


@login_required
def user_detail(request, username):
    person = _person_or_404(request, username)
    tag = request.GET.get("tag", "").strip().lower() or None  # only their images with this tag
    page = image_page(request.GET.get("page", 1), user=person, tag=tag, viewer=request.user)
    if page is None:
        return past_the_end(request, fragment=bool(request.GET.get("images_only")))
    if request.GET.get("images_only"):
        return render(request, "shared/_image_grid_items.html", {"page": page})
    context = _person_context(person, "images", page)
    context.update(tag=tag, person_tags=person_tags(person, viewer=request.user))
    return render(request, "account/user/detail.html", context)


@login_required
def user_boards(request, username):
    """The Boards tab of a person's page (on your own, also the boards shared with you): a
    fixed number of queries (person, boards, mosaics; shared boards and their mosaics)."""
    person = _person_or_404(request, username)
    page, cards = boards_of(person, request.GET.get("page", 1), viewer=request.user)
    if page is None:
        return past_the_end(request)
    shared_cards = []
    if person.pk == request.user.pk and page.number == 1:
        _, shared_cards = boards_shared_with(request.user)
    context = {
        **_person_context(person, "boards", page),
        "cards": cards,
        "shared_cards": shared_cards,
    }
    return render(request, "account/user/boards.html", context)


@login_required
def user_likes(request, username):
    """The Likes tab: the images the person liked that the viewer may see, newest like first."""
    person = _person_or_404(request, username)
    page = liked_images_page(person, request.GET.get("page", 1), viewer=request.user)
    if page is None:
        return past_the_end(request, fragment=bool(request.GET.get("images_only")))
    if request.GET.get("images_only"):
        return render(request, "shared/_image_grid_items.html", {"page": page})
    return render(request, "account/user/likes.html", _person_context(person, "likes", page))


def _follow_list(request, username, which: str):
    person = _person_or_404(request, username)
    page = selectors.follow_list_page(
        person, request.GET.get("page", 1), which=which, viewer=request.user
    )
    if page is None:
        return past_the_end(request)
    return render(request, "account/user/follows.html", _person_context(person, which, page))


@login_required
def user_followers(request, username):
    """The Followers tab: who follows the person, the newest follow first, a page at a time."""
    return _follow_list(request, username, "followers")


@login_required
def user_following(request, username):
    """The Following tab: whom the person follows, the newest follow first."""
    return _follow_list(request, username, "following")


@post_endpoint(FollowForm)
def user_follow(request, data):
    ratelimit.hit("follow", str(request.user.pk))  # follows and unfollows; a 429 past the limit
    followers = follow_user(
        user_from=request.user, user_to=data["id"], follow=data["action"] == "follow"
    )
    return {"followers": followers}


@require_POST
def choose_theme(request):
    """The top bar's light / dark / system switch (a plain form): kept on the person's profile
    when signed in, in a cookie for everyone; back to the page it was pressed on."""
    chosen = request.POST.get("theme")
    if chosen not in Theme.values:
        return refused_response(request, Refused(_("Choose a theme: light, dark or system.")))
    if request.user.is_authenticated:
        set_theme(user=request.user, theme=chosen)
    response = redirect(safe_next(request, fallback="/"))
    theme.remember(request, response, chosen)
    return response


@require_POST
def choose_language(request):
    """The footer's language chooser (a plain form): kept on the person's profile when signed
    in, in Django's language cookie for everyone; back to the page it was chosen on."""
    chosen = offered(request.POST.get("language"))
    if chosen is None:
        names = ", ".join(name for _code, name in settings.LANGUAGES)
        return refused_response(
            request, Refused(_("Choose one of the site’s languages: %(names)s.") % {"names": names})
        )
    if request.user.is_authenticated:
        set_language(user=request.user, language=chosen)
    response = redirect(safe_next(request, fallback="/"))
    language.remember(request, response, chosen)
    return response
