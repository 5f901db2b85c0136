from django.urls import path

from . import views

app_name = "boards"

urlpatterns = [
    path("new/", views.board_new, name="new"),
    path("save/", views.board_save, name="save"),
    path("remove/", views.board_remove, name="remove"),
    path("<str:username>/<str:slug>/", views.board_detail, name="detail"),
    path("<str:username>/<str:slug>/edit/", views.board_edit, name="edit"),
    path("<str:username>/<str:slug>/delete/", views.board_delete, name="delete"),
    path("<str:username>/<str:slug>/move/", views.board_move, name="move"),
    path("<str:username>/<str:slug>/cover/", views.board_cover, name="cover"),
]
