"""Draw the web app's PNG icons from our logo (static/img/favicon.svg: a white bookmark on a
rounded rose square), for the manifest: `python -m shares.icons` writes static/img/icons/.

Pillow has no SVG renderer, so the logo's two shapes are drawn here at 4x and scaled down
(smooth edges). Maskable icons fill the whole square (the phone cuts its own shape) and keep the
bookmark inside the safe zone, the middle 80 %.
"""

from pathlib import Path

from PIL import Image, ImageDraw

ROSE = (224, 68, 90, 255)
WHITE = (255, 255, 255, 255)
# favicon.svg's bookmark, in its 32x32 viewBox (the corner rounding of 1 unit is left out).
BOOKMARK = [(10, 7), (22, 7), (23, 8), (23, 25), (16, 20.5), (9, 25), (9, 8)]
OUT = Path(__file__).resolve().parent.parent / "static" / "img" / "icons"


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle([0, 0, big, big], fill=ROSE)
        scale, offset = big * 0.6 / 32, big * 0.2  # the logo in the middle 60 %
    else:
        pen.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 8 / 32, fill=ROSE)
        scale, offset = big / 32, 0.0
    pen.polygon([(offset + x * scale, offset + y * scale) for x, y in BOOKMARK], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
