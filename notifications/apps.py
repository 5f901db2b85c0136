from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from bookmarks.social import happened

        from .services import on_happened

        happened.connect(on_happened, dispatch_uid="notifications.on_happened")
