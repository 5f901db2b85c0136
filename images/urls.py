from django.urls import path

from . import views

app_name = "images"

urlpatterns = [
    path("", views.image_list, name="list"),
    path("create/", views.image_create, name="create"),
    path("detail/<int:id>/<str:slug>/", views.image_detail, name="detail"),
    path("like/", views.image_like, name="like"),
    path("viewers/", views.image_viewers, name="viewers"),
    path("ranking/", views.image_ranking, name="ranking"),
    path("pick/", views.image_pick, name="pick"),
    path("bookmarklet/strings.js", views.bookmarklet_strings, name="bookmarklet_strings"),
    path("edit/<int:id>/", views.image_edit, name="edit"),
    path("delete/<int:id>/", views.image_delete, name="delete"),
    path("tag/<str:tag>/", views.image_tag, name="tag"),
    path("tags/suggest/", views.tag_suggest, name="tag_suggest"),
    path("status/<int:id>/", views.image_status, name="status"),
    path("retry/", views.image_retry, name="retry"),
    path("remove/", views.image_remove, name="remove"),
    path("keep/", views.image_keep, name="keep"),
    path("discard/", views.image_discard, name="discard"),
]
