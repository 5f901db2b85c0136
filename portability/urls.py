from django.urls import path

from . import views

app_name = "portability"

# Mounted under /account/ (bookmarks/urls.py), the paths of the URL contract.
urlpatterns = [
    path("export/", views.export, name="export"),
    path("import/", views.import_archive_view, name="import"),
    path("delete/", views.delete_account_view, name="delete"),
    path("delete/done/", views.deleted, name="deleted"),
    path("password-set/", views.password_set, name="password_set"),
]
