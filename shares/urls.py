from django.urls import path

from . import views

app_name = "shares"

urlpatterns = [
    path("", views.share_target, name="target"),
    path("<str:token>/", views.confirm, name="confirm"),
    path("<str:token>/photo/", views.photo, name="photo"),
]
