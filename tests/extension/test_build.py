"""`make extension`: the two zips, their manifests, and the image-finding rules taken from the
bookmarklet's one copy."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from images.bookmarklet import collect_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "extension/build.py", "--site", "https://pins.example:8443/x"]
    subprocess.run([*command, "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    return out


def read(dist, browser, name):
    with zipfile.ZipFile(dist / f"bookmarks-{browser}.zip") as bundle:
        return bundle.read(name).decode()


@pytest.mark.parametrize("browser", ["chromium", "firefox"])
def test_the_zip_holds_the_bookmarklets_own_rules(dist, browser):
    rules = read(dist, browser, "rules.js")
    assert collect_rules().strip() in rules
    assert "function collectImages(doc, done)" in rules


@pytest.mark.parametrize("browser", ["chromium", "firefox"])
def test_the_manifest_is_mv3_for_the_built_site(dist, browser):
    manifest = json.loads(read(dist, browser, "manifest.json"))
    assert manifest["manifest_version"] == 3
    assert manifest["host_permissions"] == ["https://pins.example/*"]
    assert {"activeTab", "scripting", "contextMenus", "storage"} <= set(manifest["permissions"])
    assert manifest["content_scripts"][0]["matches"] == [
        "https://pins.example/account/extension/connect/*"
    ]
    assert 'var BOOKMARKS_SITE = "https://pins.example:8443";' in read(dist, browser, "config.js")
    with zipfile.ZipFile(dist / f"bookmarks-{browser}.zip") as bundle:
        names = set(bundle.namelist())
    referenced = {*manifest["icons"].values(), manifest["options_ui"]["page"], "picker.js"}
    referenced |= set(manifest["background"].get("scripts", []))
    referenced |= {manifest["background"].get("service_worker", "background.js")}
    assert referenced <= names


def test_chromium_runs_a_service_worker_and_firefox_background_scripts(dist):
    chromium = json.loads(read(dist, "chromium", "manifest.json"))
    firefox = json.loads(read(dist, "firefox", "manifest.json"))
    assert chromium["background"] == {"service_worker": "background.js"}
    assert "browser_specific_settings" not in chromium
    assert firefox["background"] == {"scripts": ["config.js", "background.js"]}
    assert firefox["browser_specific_settings"]["gecko"]["id"]


def test_a_site_that_is_not_http_is_refused(tmp_path):
    command = [sys.executable, "extension/build.py", "--site", "ftp://x", "--out", str(tmp_path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0 and "http(s)" in result.stderr
