from django.contrib.auth import views as auth_views
from django.urls import path

from blocks import views as block_views

from . import email_views, views
from .forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    # Django's auth views under Django's names; logout answers POST only.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password-reset/", email_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        email_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("register/", views.register, name="register"),
    path("edit/", views.edit, name="edit"),
    path("email/", email_views.email_change, name="email_change"),
    path("email/confirm/", email_views.email_confirm_resend, name="email_confirm_resend"),
    path("email/confirm/<str:token>/", email_views.email_confirm, name="email_confirm"),
    path("theme/", views.choose_theme, name="choose_theme"),
    path("language/", views.choose_language, name="choose_language"),
    path("users/", views.user_list, name="user_list"),
    # Not under users/: every name there is someone's profile (a user may be called "follow").
    path("follow/", views.user_follow, name="user_follow"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
    path("users/<str:username>/boards/", views.user_boards, name="user_boards"),
    path("users/<str:username>/block/", block_views.block, name="user_block"),
    path("users/<str:username>/likes/", views.user_likes, name="user_likes"),
    path("users/<str:username>/followers/", views.user_followers, name="user_followers"),
    path("users/<str:username>/following/", views.user_following, name="user_following"),
    path("", views.dashboard, name="dashboard"),
]
