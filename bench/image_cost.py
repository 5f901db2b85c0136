"""`make bench-image-cost`: what saving one 12-megapixel JPEG costs (issue 19): milliseconds
for the gate (bookmarks.imaging.validate_image), the thumbnails + hash child, the derivatives
child, and the bytes stored for the original, thumbnails and derivatives."""

import io
import os
import time


def main() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmarks.settings")
    import django

    django.setup()
    from PIL import Image, ImageFilter

    from bookmarks.imaging import validate_image
    from bookmarks.thumbnails import render_picture
    from images.models import THUMBNAIL_ALIASES

    picture = Image.effect_mandelbrot((4000, 3000), (-2.0, -1.2, 0.8, 1.2), 200)
    picture = Image.merge("RGB", (picture, picture.rotate(180), picture.transpose(0)))
    picture = picture.filter(ImageFilter.GaussianBlur(2)).effect_spread(2)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    content = buffer.getvalue()
    rows = []
    for _ in range(3):
        t0 = time.perf_counter()
        validate_image(content)
        t1 = time.perf_counter()
        thumbs = render_picture(content, THUMBNAIL_ALIASES)
        t2 = time.perf_counter()
        derived = render_picture(content, (), derivatives=True)
        t3 = time.perf_counter()
        rows.append(((t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000))
    best = [min(r[i] for r in rows) for i in range(3)]
    thumb_bytes = sum(len(r.content) for r in thumbs.thumbnails.values())
    per_format = {f: sum(len(r.content) for r in rs) for f, rs in derived.derivatives.items()}
    widths = {f: [r.width for r in rs] for f, rs in derived.derivatives.items()}
    print(f"12 MP JPEG ({picture.width}×{picture.height}, {len(content):,} bytes), best of 3:")
    print(f"  gate (full decode)      {best[0]:7.0f} ms")
    print(f"  thumbnails + dHash      {best[1]:7.0f} ms   {thumb_bytes:,} bytes")
    print(
        f"  derivatives             {best[2]:7.0f} ms   "
        + ", ".join(f"{f} {widths[f]} {n:,} bytes" for f, n in per_format.items())
    )
    total = len(content) + thumb_bytes + sum(per_format.values())
    print(f"  stored in all           {total:,} bytes ({total / len(content):.2f}× the original)")


if __name__ == "__main__":
    main()
