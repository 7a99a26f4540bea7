"""Pictures for the demo products: a simple illustration (a jar, a bottle, a candle…) in the
product's colour with its name on a ribbon, drawn with Pillow as a 480×480 PNG.

To draw a new kind of thing, write a ``_paint_<kind>(draw, size, colour)`` function and add it
to ``PAINTERS``; products name it in their ``art``.
"""

import io

from PIL import Image, ImageDraw, ImageFont

PICTURE_SIZE = 480
_SCALE = 2  # draw at twice the size and shrink: cheap anti-aliasing


def draw_product_picture(name: str, art: str, colour: str) -> bytes:
    """Draw a simple illustration of a product (a jar, bottle, candle…) with its name; PNG bytes."""
    size = PICTURE_SIZE * _SCALE
    image = Image.new("RGB", (size, size), _mix(colour, "#ffffff", 0.88))
    draw = ImageDraw.Draw(image)
    # A soft round backdrop and a little bog of berries along the bottom.
    pad = size // 8
    draw.ellipse((pad, pad - size // 16, size - pad, size - pad - size // 16), fill=_mix(colour, "#ffffff", 0.75))
    painter = PAINTERS.get(art, _paint_box)
    painter(draw, size, colour)
    _paint_label(draw, size, name, colour)
    image = image.resize((PICTURE_SIZE, PICTURE_SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _mix(colour, other, amount):
    """Blend two colours (``#rrggbb`` or RGB tuples): ``amount`` 0 gives ``colour``, 1 gives ``other``."""
    a, b = _rgb(colour), _rgb(other)
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))


def _rgb(colour):
    if isinstance(colour, str):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return colour


def _berry(draw, cx, cy, r, colour):
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    hr = r // 3
    draw.ellipse(
        (cx - r // 2 - hr // 2, cy - r // 2 - hr // 2, cx - r // 2 + hr, cy - r // 2 + hr),
        fill=_mix("#ffffff", colour, 0.35),
    )


def _paint_berries(draw, s, colour):
    dark = _mix(colour, "#000000", 0.25)
    spots = [(0.38, 0.46), (0.55, 0.40), (0.66, 0.55), (0.45, 0.60), (0.30, 0.62), (0.58, 0.66), (0.50, 0.50)]
    for i, (x, y) in enumerate(spots):
        _berry(draw, int(s * x), int(s * y), s // 11, dark if i % 2 else colour)
    draw.line((s * 0.55, s * 0.40 - s // 11, s * 0.60, s * 0.28), fill=(76, 119, 69), width=s // 90)
    draw.ellipse((s * 0.58, s * 0.24, s * 0.70, s * 0.31), fill=(106, 153, 78))


def _paint_jar(draw, s, colour):
    x0, x1, y0, y1 = s * 0.32, s * 0.68, s * 0.36, s * 0.72
    draw.rounded_rectangle((x0, y0, x1, y1), radius=s // 20, fill=colour)
    draw.rounded_rectangle(
        (x0 + s * 0.02, y0 - s * 0.07, x1 - s * 0.02, y0 + s * 0.01), radius=s // 60, fill=(222, 184, 135)
    )
    draw.rounded_rectangle(
        (x0 + s * 0.05, y0 + s * 0.10, x1 - s * 0.05, y0 + s * 0.24), radius=s // 80, fill=(255, 248, 240)
    )
    draw.rectangle((x0 + s * 0.03, y0 + s * 0.03, x0 + s * 0.05, y1 - s * 0.05), fill=_mix(colour, "#ffffff", 0.4))
    _berry(draw, int(s * 0.5), int(y0 + s * 0.17), s // 28, colour)


def _paint_bottle(draw, s, colour):
    draw.rounded_rectangle((s * 0.38, s * 0.38, s * 0.62, s * 0.74), radius=s // 25, fill=colour)
    draw.polygon([(s * 0.38, s * 0.40), (s * 0.46, s * 0.28), (s * 0.54, s * 0.28), (s * 0.62, s * 0.40)], fill=colour)
    draw.rectangle((s * 0.46, s * 0.18, s * 0.54, s * 0.29), fill=colour)
    draw.rectangle((s * 0.455, s * 0.16, s * 0.545, s * 0.20), fill=(60, 60, 60))
    draw.rounded_rectangle((s * 0.40, s * 0.48, s * 0.60, s * 0.62), radius=s // 80, fill=(255, 248, 240))
    _berry(draw, int(s * 0.5), int(s * 0.55), s // 30, colour)


def _paint_candle(draw, s, colour):
    draw.rounded_rectangle((s * 0.36, s * 0.40, s * 0.64, s * 0.74), radius=s // 40, fill=colour)
    draw.ellipse((s * 0.36, s * 0.37, s * 0.64, s * 0.43), fill=_mix(colour, "#ffffff", 0.3))
    draw.line((s * 0.5, s * 0.40, s * 0.5, s * 0.34), fill=(40, 40, 40), width=s // 120)
    draw.ellipse((s * 0.47, s * 0.23, s * 0.53, s * 0.34), fill=(255, 183, 3))
    draw.ellipse((s * 0.485, s * 0.28, s * 0.515, s * 0.335), fill=(255, 240, 180))


def _paint_shirt(draw, s, colour):
    body = [
        (s * 0.34, s * 0.32),
        (s * 0.43, s * 0.28),
        (s * 0.57, s * 0.28),
        (s * 0.66, s * 0.32),
        (s * 0.76, s * 0.42),
        (s * 0.68, s * 0.48),
        (s * 0.65, s * 0.45),
        (s * 0.65, s * 0.74),
        (s * 0.35, s * 0.74),
        (s * 0.35, s * 0.45),
        (s * 0.32, s * 0.48),
        (s * 0.24, s * 0.42),
    ]
    draw.polygon(body, fill=colour)
    draw.ellipse((s * 0.45, s * 0.25, s * 0.55, s * 0.33), fill=_mix(colour, "#ffffff", 0.75))
    _berry(draw, int(s * 0.5), int(s * 0.52), s // 18, (255, 255, 255))


def _paint_hat(draw, s, colour):
    draw.ellipse((s * 0.22, s * 0.56, s * 0.78, s * 0.70), fill=_mix(colour, "#000000", 0.2))
    draw.chord((s * 0.34, s * 0.34, s * 0.66, s * 0.80), 180, 360, fill=colour)
    draw.rectangle((s * 0.34, s * 0.53, s * 0.66, s * 0.57), fill=(164, 19, 60))


def _paint_pie(draw, s, colour):
    draw.ellipse((s * 0.24, s * 0.46, s * 0.76, s * 0.72), fill=_mix(colour, "#000000", 0.15))
    draw.ellipse((s * 0.26, s * 0.42, s * 0.74, s * 0.66), fill=colour)
    for i in range(5):
        x = s * (0.33 + i * 0.085)
        draw.line((x, s * 0.45, x, s * 0.63), fill=_mix(colour, "#ffffff", 0.35), width=s // 70)
    for x, y in [(0.40, 0.52), (0.52, 0.49), (0.60, 0.56), (0.47, 0.58)]:
        _berry(draw, int(s * x), int(s * y), s // 40, (164, 19, 60))


def _paint_cup(draw, s, colour):
    draw.rounded_rectangle((s * 0.32, s * 0.40, s * 0.62, s * 0.72), radius=s // 25, fill=colour)
    draw.ellipse((s * 0.58, s * 0.46, s * 0.72, s * 0.62), outline=colour, width=s // 40)
    draw.ellipse((s * 0.32, s * 0.37, s * 0.62, s * 0.43), fill=_mix(colour, "#000000", 0.3))
    for x in (0.40, 0.47, 0.54):
        draw.arc((s * x, s * 0.22, s * (x + 0.05), s * 0.34), 100, 260, fill=(150, 150, 150), width=s // 120)


def _paint_ornament(draw, s, colour):
    draw.line((s * 0.5, s * 0.18, s * 0.5, s * 0.34), fill=(120, 120, 120), width=s // 150)
    draw.rectangle((s * 0.46, s * 0.32, s * 0.54, s * 0.37), fill=(212, 175, 55))
    _berry(draw, int(s * 0.5), int(s * 0.54), int(s * 0.17), colour)
    for x in (0.22, 0.30, 0.70, 0.78):
        _berry(draw, int(s * x), int(s * (0.70 - abs(0.5 - x) * 0.3)), s // 40, (164, 19, 60))


def _paint_box(draw, s, colour):
    draw.rectangle((s * 0.32, s * 0.42, s * 0.68, s * 0.72), fill=colour)
    draw.rectangle((s * 0.29, s * 0.35, s * 0.71, s * 0.44), fill=_mix(colour, "#000000", 0.2))
    draw.rectangle((s * 0.47, s * 0.35, s * 0.53, s * 0.72), fill=(255, 209, 102))


PAINTERS = {
    "berries": _paint_berries,
    "jar": _paint_jar,
    "bottle": _paint_bottle,
    "candle": _paint_candle,
    "shirt": _paint_shirt,
    "hat": _paint_hat,
    "pie": _paint_pie,
    "cup": _paint_cup,
    "ornament": _paint_ornament,
    "box": _paint_box,
}


def _paint_label(draw, s, name, colour):
    """The product's name on a ribbon across the bottom, shrunk until it fits."""
    ribbon_top = int(s * 0.80)
    draw.rectangle((0, ribbon_top, s, s), fill=_mix(colour, "#000000", 0.1))
    font_size = s // 13
    while True:
        font = ImageFont.load_default(size=font_size)
        left, top, right, bottom = draw.textbbox((0, 0), name, font=font)
        if right - left <= s * 0.9 or font_size <= s // 30:
            break
        font_size -= 2
    x = (s - (right - left)) // 2 - left
    y = ribbon_top + (s - ribbon_top - (bottom - top)) // 2 - top
    draw.text((x, y), name, font=font, fill=(255, 255, 255))
