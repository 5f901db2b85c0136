from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .services import unread_count


def unread_notifications(request):
    """`unread_notifications` for the top bar's badge: counted only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user.pk))}


def live(request):
    """Where the page's script opens the event stream ("" = poll only), and how often it polls
    when it cannot."""
    return {"events_url": settings.EVENTS_URL, "live_poll_seconds": settings.LIVE_POLL_SECONDS}
