from django.apps import AppConfig


class BlocksConfig(AppConfig):
    """Who blocked whom. Low in the import order (it knows only the user model), so images,
    actions, boards, comments and notifications can all ask it (through bookmarks/privacy.py)."""

    name = "blocks"
