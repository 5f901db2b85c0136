from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for development and the benchmark (`seed_demo`): installed only when
    settings.DEMO_APP is on (by default with DEBUG), never part of the product. Its rows share
    stored pictures; deleting one keeps the files the others show (bookmarks.deletion)."""

    name = "demo"
    verbose_name = "Demo data"
