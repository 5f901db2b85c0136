from django.urls import path

from . import views

app_name = "tokens"

urlpatterns = [
    path("new/", views.token_create, name="create"),
    path("revoke/", views.token_revoke, name="revoke"),
]
