"""The app's icons as PNG, drawn from the province logo's shapes (a leaf on the green disc with
the province's initials): phones want bitmaps of set sizes and the logo is an SVG, which Pillow
cannot rasterise. Maskable: the drawing stays inside the middle 80 % safe zone."""

import io
import re
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from PIL import Image, ImageDraw, ImageFont

GREEN = "#1f6f43"
LEAF = "#9fd3b2"
SIZES = (192, 512)


def _initials(logo):
    path = finders.find(logo)
    text = Path(path).read_text(encoding="utf-8") if path else ""
    found = re.search(r">([^<>]{1,4})</text>", text)
    return found.group(1) if found else "TX"


def _bezier(p0, p1, p2, p3, steps=16):
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        yield (
            u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
            u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
        )


def _font(size):
    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


@lru_cache(maxsize=8)
def png(logo, size):
    image = Image.new("RGB", (size, size), GREEN)
    draw = ImageDraw.Draw(image)
    # The logo's 64-unit box, shrunk into the safe zone.
    scale, offset = size * 0.8 / 64, size * 0.1

    def at(x, y):
        return (offset + x * scale, offset + y * scale)

    leaf = [*_bezier((18, 36), (24, 22), (40, 18), (48, 20))]
    leaf += [*_bezier((48, 20), (44, 30), (34, 42), (18, 36))]
    draw.polygon([at(x, y) for x, y in leaf], fill=LEAF)
    vein = [*_bezier((18, 36), (26, 32), (34, 28), (42, 22))]
    draw.line([at(x, y) for x, y in vein], fill="white", width=max(2, round(2.5 * scale)))
    font = _font(round(12 * scale))
    draw.text(at(32, 50), _initials(logo), fill="white", font=font, anchor="ms")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
