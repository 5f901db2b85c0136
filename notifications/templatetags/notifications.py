"""Notification bits for pages other apps own: the profile page's settings form (so the
account app need not import this one)."""

from django import template

from notifications.forms import PreferencesForm
from notifications.services import preferences_for

register = template.Library()


@register.inclusion_tag("notifications/_preferences.html", takes_context=True)
def notification_preferences(context):
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "form": PreferencesForm(instance=preferences_for(request.user)),
    }
