"""Bring the translation catalogues up to date with the code: `make catalogues`
(python -m bookmarks.catalogues). Runs makemessages for the templates and Python (django.po)
and for static/js (djangojs.po), in every language the site offers, keeping what is
translated; new or changed strings then show as untranslated or fuzzy, which
tests/i18n/test_catalogues.py refuses until someone translates them."""

import os

IGNORED = [
    "tests/*",
    "static/vendor/*",
    "staticfiles/*",
    "extension/*",
    "dist/*",
    "media/*",
    "var/*",
    "bench/*",
]


def update() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import to_locale

    locales = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
    options = {"locale": locales, "ignore_patterns": IGNORED, "no_obsolete": True, "verbosity": 0}
    call_command("makemessages", domain="django", **options)
    call_command("makemessages", domain="djangojs", **options)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmarks.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    update()
