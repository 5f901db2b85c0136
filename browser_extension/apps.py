from django.apps import AppConfig


class BrowserExtensionConfig(AppConfig):
    """The site's side of the browser extension (whose own code is in the top-level
    extension/ folder): the "Connect the extension" page."""

    name = "browser_extension"
    verbose_name = "Browser extension"
