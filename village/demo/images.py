"""Demo pictures drawn locally with Pillow: layered mountains, terraces and a sun. No downloads."""

import io
import random

from PIL import Image, ImageDraw


def landscape_jpeg(seed: str, *, width: int = 1600, height: int = 900) -> bytes:
    """A deterministic landscape for ``seed``: the same commune always gets the same picture."""
    rng = random.Random(seed)  # noqa: S311 - decorative randomness
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top = (rng.randint(120, 170), rng.randint(170, 210), rng.randint(220, 250))
    bottom = (rng.randint(230, 250), rng.randint(200, 230), rng.randint(160, 200))
    for y in range(height):
        t = y / height
        colour = tuple(int(top[i] * (1 - t) + bottom[i] * t) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    sun_x, sun_y = rng.randint(width // 5, width * 4 // 5), rng.randint(height // 8, height // 3)
    draw.ellipse([sun_x - 60, sun_y - 60, sun_x + 60, sun_y + 60], fill=(255, 236, 170))
    for layer in range(4):
        base = height * (0.45 + 0.13 * layer)
        shade = 30 + layer * 18
        colour = (shade, 80 + layer * 25 + rng.randint(0, 20), shade + 10)
        points = [(0, height)]
        x = 0
        while x <= width:
            points.append((x, base - rng.randint(0, int(height * 0.18))))
            x += rng.randint(60, 160)
        points.append((width, height))
        draw.polygon(points, fill=colour)
        if layer >= 2:  # rice terraces
            for step in range(6):
                y = int(base + step * 18)
                draw.line(
                    [(0, y), (width, y - rng.randint(-20, 20))],
                    fill=(colour[0] + 25, colour[1] + 30, 40),
                    width=3,
                )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()
