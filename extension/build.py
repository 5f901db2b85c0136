"""Build the browser extension for one Bookmarks site: `make extension` (SITE_URL=...).

Writes, under --out (default dist/), the unpacked extension for Chromium (`chromium/`, a
background service worker) and for Firefox (`firefox/`, background scripts and its gecko id),
and the two zip files to install or publish: bookmarks-chromium.zip, bookmarks-firefox.zip.

rules.js, the image-finding rules, is not a copy kept here: it is cut out of
static/js/bookmarklet.js (between its bookmarks:rules markers) at every build by the same
function the bookmarklet's launcher uses (images.bookmarklet.rules_in_source), so the toolbar
button offers exactly the images the bookmarklet offers.
"""

import argparse
import json
import os
import shutil
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SRC = Path(__file__).resolve().parent / "src"
sys.path.insert(0, str(ROOT))

from images.bookmarklet import rules_in_source  # noqa: E402
from shares.icons import draw  # noqa: E402

VERSION = "1.0.0"
GECKO_ID = "extension@bookmarks.invalid"
FILES = ["background.js", "picker.js", "connect.js", "options.html", "options.js", "options.css"]
ICON_SIZES = (16, 32, 48, 128)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed: the same sources make the same zip


def site_origin(site: str) -> str:
    parts = urlsplit(site)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SystemExit(f"--site must be an http(s) address, not {site!r}")
    return f"{parts.scheme}://{parts.netloc}"


def manifest(browser: str, origin: str) -> dict:
    host = urlsplit(origin)
    # Match patterns take no port: the host's pattern covers the site on any port.
    pattern = f"{host.scheme}://{host.hostname}/*"
    icons = {str(size): f"icons/icon-{size}.png" for size in ICON_SIZES}
    data: dict = {
        "manifest_version": 3,
        "name": "Bookmarks",
        "short_name": "Bookmarks",
        "version": VERSION,
        "description": "Save the images of any page to your Bookmarks, several at once, or "
        "right-click one.",
        "icons": icons,
        "action": {
            "default_title": "Save images from this page to Bookmarks",
            "default_icon": {k: v for k, v in icons.items() if k in ("16", "32")},
        },
        "permissions": ["activeTab", "scripting", "contextMenus", "storage"],
        "host_permissions": [pattern],
        "content_scripts": [
            {
                "matches": [f"{pattern[:-2]}/account/extension/connect/*"],
                "js": ["connect.js"],
                "run_at": "document_idle",
            }
        ],
        "options_ui": {"page": "options.html"},
    }
    if browser == "chromium":
        data["background"] = {"service_worker": "background.js"}
        data["minimum_chrome_version"] = "116"
    else:
        # Firefox runs MV3 backgrounds as event pages: scripts, not a service worker.
        data["background"] = {"scripts": ["config.js", "background.js"]}
        data["browser_specific_settings"] = {
            "gecko": {"id": GECKO_ID, "strict_min_version": "121.0"}
        }
    return data


def build_one(browser: str, origin: str, out: Path) -> Path:
    target = out / browser
    if target.exists():
        shutil.rmtree(target)
    (target / "icons").mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(SRC / name, target / name)
    source = (ROOT / "static" / "js" / "bookmarklet.js").read_text(encoding="utf-8")
    (target / "rules.js").write_text(
        "/* Built by extension/build.py from static/js/bookmarklet.js (bookmarks:rules): edit\n"
        " * the rules there, never here. */\n" + rules_in_source(source).strip() + "\n",
        encoding="utf-8",
    )
    (target / "config.js").write_text(
        f"/* Built by extension/build.py: the site this extension saves to. */\n"
        f"var BOOKMARKS_SITE = {json.dumps(origin)};\n",
        encoding="utf-8",
    )
    for size in ICON_SIZES:
        draw(size, maskable=False).save(target / "icons" / f"icon-{size}.png", optimize=True)
    (target / "manifest.json").write_text(
        json.dumps(manifest(browser, origin), indent=2) + "\n", encoding="utf-8"
    )
    archive = out / f"bookmarks-{browser}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(p for p in target.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(target).as_posix(), ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes())
    return target


def build(site: str, out: Path) -> dict[str, Path]:
    origin = site_origin(site)
    out.mkdir(parents=True, exist_ok=True)
    return {browser: build_one(browser, origin, out) for browser in ("chromium", "firefox")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=os.environ.get("SITE_URL") or "http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    for browser, path in build(args.site, args.out).items():
        print(f"{browser}: {path}/ and {args.out / f'bookmarks-{browser}.zip'}")


if __name__ == "__main__":
    main()
