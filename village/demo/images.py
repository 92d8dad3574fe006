"""Demo pictures drawn locally with Pillow: layered mountains, terraces and a sun (and, for a homestay, its
stilt house). No downloads. Used by the village demo (commune heroes) and the tourism demo (listing
photos)."""

import io
import random

from PIL import Image, ImageDraw


def landscape_jpeg(seed: str, *, width: int = 1600, height: int = 900, stilt_house: bool = False) -> bytes:
    """A deterministic landscape for ``seed``: the same commune always gets the same picture.
    ``stilt_house`` adds a wooden house on stilts in the foreground (a homestay)."""
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
    if stilt_house:
        _draw_stilt_house(draw, rng, width, height)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def _draw_stilt_house(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int) -> None:
    """A nhà sàn (a wooden house raised on stilts) with a steep thatched roof, on the right or the left."""
    house_width = width // 3
    left = rng.choice((width // 12, width - width // 12 - house_width))
    floor = int(height * 0.62)
    ground = int(height * 0.8)
    wood, dark_wood = (120, 78, 44), (84, 52, 28)
    for index in range(5):  # the stilts
        x = left + 10 + index * (house_width - 30) // 4
        draw.rectangle([x, floor, x + 14, ground], fill=dark_wood)
    wall_top = floor - height // 7
    draw.rectangle([left, wall_top, left + house_width, floor], fill=wood, outline=dark_wood, width=4)
    for index in range(1, 4):  # windows
        x = left + index * house_width // 4 - 22
        draw.rectangle([x, wall_top + 18, x + 44, wall_top + 58], fill=(250, 214, 140), outline=dark_wood)
    overhang = house_width // 8
    roof = [
        (left - overhang, wall_top),
        (left + house_width // 5, wall_top - height // 5),
        (left + house_width * 4 // 5, wall_top - height // 5),
        (left + house_width + overhang, wall_top),
    ]
    draw.polygon(roof, fill=(176, 140, 70), outline=(120, 92, 40))
    stairs_x = left + house_width + 6
    draw.line([(stairs_x, floor), (stairs_x + 50, ground)], fill=dark_wood, width=8)
