from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("account.urls")),
    path("images/", include("images.urls", namespace="images")),
    path("boards/", include("boards.urls", namespace="boards")),
    path("social-auth/", include("social_django.urls", namespace="social")),
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
]

if settings.DEBUG and not settings.AWS_STORAGE_BUCKET_NAME:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
