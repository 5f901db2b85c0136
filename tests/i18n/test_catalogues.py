"""The catalogues are complete: every language the site offers has both catalogues, with no
entry untranslated or fuzzy, the format strings checked by msgfmt --check; and they are up to
date with the code (a string marked but never added to them would show in English)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils.translation import to_locale

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the same files on every database: checked once"
)

ROOT = Path(settings.BASE_DIR)
LOCALES = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
DOMAINS = ["django", "djangojs"]
COPIED_AWAY = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "media", "staticfiles", "var", "dist", "__pycache__", "*.mo"
)


def statistics(po: Path) -> dict[str, int]:
    """msgfmt's count of translated, fuzzy and untranslated entries (it fails on bad ones)."""
    answer = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert answer.returncode == 0, f"{po}: {answer.stderr}"
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", answer.stderr):
        counts[kind] = int(number)
    return counts


def catalogues(root: Path):
    for locale in LOCALES:
        for domain in DOMAINS:
            yield root / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"


def incomplete(root: Path) -> dict[str, dict[str, int]]:
    found = {}
    for po in catalogues(root):
        assert po.is_file(), f"missing catalogue {po.relative_to(root)}"
        counts = statistics(po)
        if counts["fuzzy"] or counts["untranslated"] or not counts["translated"]:
            found[str(po.relative_to(root))] = counts
    return found


def test_every_catalogue_is_complete():
    assert incomplete(ROOT) == {}


def test_the_catalogues_hold_every_string_the_code_marks(tmp_path):
    """makemessages on a copy of the code (as `make catalogues` runs it) adds nothing to do."""
    copy = tmp_path / "site"
    shutil.copytree(ROOT, copy, ignore=COPIED_AWAY, symlinks=True)
    env = {
        **os.environ,
        "DEBUG": "1",
        "DOTENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "bookmarks.settings",
    }
    subprocess.run(
        [sys.executable, "-m", "bookmarks.catalogues"], cwd=copy, env=env, check=True, timeout=300
    )
    assert incomplete(copy) == {}
