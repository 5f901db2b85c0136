"""`make bench-export`: the memory of building one big export (portability/export.py).

Seeds a throw-away SQLite database and media folder (in a temporary folder) with one person
owning EXPORT_IMAGES images of EXPORT_IMAGE_KB kB each (default 2,000 × 512 kB ≈ 1 GB of
random bytes: the export copies files, it does not decode them), on a few boards, then, in a
fresh process, streams the whole export to a file the way the view does and reports that
process's resident memory before the export and at its peak (VmHWM), with the archive's size
and the time taken. Appends the figures to bench/results.md (below its profiles mark, which
`make bench` keeps when it rewrites the file).

    make bench-export            # or: .venv/bin/python -m bench.export
    EXPORT_IMAGES=200 make bench-export
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = int(os.environ.get("EXPORT_IMAGES", 2000))
IMAGE_KB = int(os.environ.get("EXPORT_IMAGE_KB", 512))


def _memory(field: str) -> int:
    """A line of /proc/self/status, in kB (VmRSS now, VmHWM the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _setup(folder: Path) -> None:
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        SECRET_KEY="bench-export-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        DEBUG="0",
        HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1",
        DOTENV_FILE="",
        DEMO_APP="0",
        DJANGO_SETTINGS_MODULE="bookmarks.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(folder: Path) -> None:
    _setup(folder)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from account.services import register_user
    from boards.models import POSITION_GAP, Board, BoardEntry
    from images.models import Image

    user = register_user(username="exporter", email="e@example.com", password="pw-1234567890")
    media = folder / "media" / "images" / "bench"
    media.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in range(IMAGES):
        name = f"images/bench/{n:05d}.jpg"
        with open(folder / "media" / name, "wb") as out:
            out.write(os.urandom(IMAGE_KB * 1024))
        rows.append(
            Image(
                user=user,
                title=f"Image {n}",
                slug=f"image-{n}",
                url=f"https://pictures.example/{n}.jpg",
                image=name,
                description="A picture " * 20,
            )
        )
    images = Image.objects.bulk_create(rows, batch_size=500)
    for b in range(10):
        board = Board.objects.create(owner=user, name=f"Board {b}", slug=f"board-{b}")
        BoardEntry.objects.bulk_create(
            BoardEntry(board=board, image=image, position=i * POSITION_GAP)
            for i, image in enumerate(images[b::10])
        )


def measure(folder: Path) -> None:
    _setup(folder)
    from account.models import User
    from portability.export import export_data, stream_export

    user = User.objects.get(username="exporter")
    before = _memory("VmRSS")
    started = time.monotonic()
    size = chunks = 0
    with open(folder / "export.zip", "wb") as out:
        for chunk in stream_export(export_data(user)):
            out.write(chunk)
            size += len(chunk)
            chunks += 1
    seconds = time.monotonic() - started
    print(f"{before} {_memory('VmHWM')} {size} {chunks} {seconds:.1f}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = Path(tmp)
        print(f"Seeding {IMAGES} images of {IMAGE_KB} kB in {folder} …", flush=True)
        subprocess.run([sys.executable, "-m", "bench.export", "seed", tmp], check=True, cwd=ROOT)
        out = subprocess.run(
            [sys.executable, "-m", "bench.export", "measure", tmp],
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split()
        before, peak, size, chunks, seconds = (
            int(out[0]),
            int(out[1]),
            int(out[2]),
            int(out[3]),
            float(out[4]),
        )
        import zipfile

        with zipfile.ZipFile(folder / "export.zip") as archive:
            entries = len(archive.infolist())
    mb = 1024 * 1024
    lines = [
        "",
        f"## Export of {IMAGES:,} images ({IMAGES * IMAGE_KB / 1024:,.0f} MB), `make bench-export`",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on SQLite and local disk "
        f"(bench/export.py): one process streams the export to a file as the view does.",
        "",
        "| archive | entries | chunks | time | RSS before | peak RSS (VmHWM) |",
        "|---|---|---|---|---|---|",
        f"| {size / mb:,.0f} MB | {entries:,} | {chunks:,} | {seconds:.1f} s | "
        f"{before / 1024:.0f} MB | {peak / 1024:.0f} MB |",
        "",
    ]
    print("\n".join(lines))
    with open(ROOT / "bench" / "results.md", "a") as results:
        results.write("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("seed", "measure"):
        {"seed": seed, "measure": measure}[sys.argv[1]](Path(sys.argv[2]))
    else:
        main()
