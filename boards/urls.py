from django.urls import path

from . import views

app_name = "boards"

urlpatterns = [
    path("new/", views.board_new, name="new"),
    path("save/", views.board_save, name="save"),
    path("remove/", views.board_remove, name="remove"),
    # Before <username>/<slug>/: "shared" could be somebody's username.
    path("shared/<str:token>/", views.board_shared, name="shared"),
    path("<str:username>/<str:slug>/", views.board_detail, name="detail"),
    path("<str:username>/<str:slug>/edit/", views.board_edit, name="edit"),
    path("<str:username>/<str:slug>/delete/", views.board_delete, name="delete"),
    path("<str:username>/<str:slug>/move/", views.board_move, name="move"),
    path("<str:username>/<str:slug>/cover/", views.board_cover, name="cover"),
    path("<str:username>/<str:slug>/members/", views.board_members, name="members"),
    path("<str:username>/<str:slug>/share/", views.board_share, name="share"),
]
