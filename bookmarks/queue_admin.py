"""Queue health for staff, on an admin page: /admin/queue/."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from bookmarks.jobs import queue_health


@staff_member_required
def queue_health_view(request):
    context = {
        **admin.site.each_context(request),
        "title": _("Job queue health"),
        "health": queue_health(),
    }
    return render(request, "admin/queue_health.html", context)
