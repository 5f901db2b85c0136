from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms import ProfileEditForm, UserEditForm, UserRegistrationForm
from .services import ensure_profile, register_user


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
    return render(request, "account/register.html", {"form": form})


@login_required
def edit(request):
    profile = ensure_profile(request.user)
    user_form = UserEditForm(request.POST or None, instance=request.user)
    profile_form = ProfileEditForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST":
        if user_form.is_valid() and profile_form.is_valid():
            user_form.save()
            profile_form.save()
            messages.success(request, "Your profile was updated.")
            return redirect("edit")
        messages.error(request, "Your profile was not updated: please correct the errors below.")
    return render(
        request, "account/edit.html", {"user_form": user_form, "profile_form": profile_form}
    )


@login_required
def dashboard(request):
    return render(request, "account/dashboard.html", {"section": "dashboard"})
