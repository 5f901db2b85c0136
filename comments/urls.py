from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("", views.comment_create, name="create"),
    path("earlier/", views.comment_earlier, name="earlier"),
    path("<int:id>/edit/", views.comment_edit, name="edit"),
    path("<int:id>/delete/", views.comment_delete, name="delete"),
]
