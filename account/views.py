from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from bookmarks.http import post_endpoint
from images.selectors import image_page

from . import selectors
from .forms import FollowForm, ProfileEditForm, UserEditForm, UserRegistrationForm
from .services import ensure_profile, follow_user, register_user, save_profile
from .social import connected_accounts


def register(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = UserRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = register_user(
            username=data["username"],
            email=data["email"],
            password=data["password"],
            first_name=data["first_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Bookmarks, {user.display_name}!")
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
            save_profile(user_form=user_form, profile_form=profile_form)
            messages.success(request, "Your profile was updated.")
            return redirect("edit")
        messages.error(request, "Your profile was not updated: please correct the errors below.")
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
    page, follows_anyone = selectors.dashboard_feed(request.user, page=request.GET.get("page", 1))
    context = {"page": page}
    if request.GET.get("actions_only"):
        return render(request, "actions/_feed_items.html", context)
    context.update(
        section="dashboard",
        follows_anyone=follows_anyone,
        recently_viewed=selectors.recently_viewed(request.user),
    )
    return render(request, "account/dashboard.html", context)


@login_required
def user_list(request):
    page = selectors.people_page(request.GET.get("page"))
    if page is None:
        return redirect("user_list")
    return render(request, "account/user/list.html", {"section": "people", "page": page})


@login_required
def user_detail(request, username):
    try:
        person = selectors.active_user(username, viewer=request.user)
    except selectors.User.DoesNotExist:
        raise Http404("No such user.") from None
    page = image_page(request.GET.get("page", 1), user=person)
    if request.GET.get("images_only"):
        if page is None:
            return HttpResponse("")
        return render(request, "shared/_image_grid_items.html", {"page": page})
    context = {
        "section": "people",
        "person": person,
        "page": page,
        "followers": person.follower_count,
        "following": person.followed,
    }
    return render(request, "account/user/detail.html", context)


@post_endpoint(FollowForm)
def user_follow(request, data):
    followers = follow_user(
        user_from=request.user, user_to=data["id"], follow=data["action"] == "follow"
    )
    return {"followers": followers}
