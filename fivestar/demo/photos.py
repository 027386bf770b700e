"""Small generated JPEGs for the demo, labelled 示例照片 so nobody takes them for real site photos."""

import functools
import glob
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

SIZE = (320, 240)
FONT_PATTERNS = ["/usr/share/fonts/**/NotoSansCJK*Regular*.tt[cf]", "/usr/share/fonts/**/*CJK*.tt[cf]",
                 "/usr/share/fonts/**/wqy*.tt[cf]", "/System/Library/Fonts/PingFang.ttc", "C:/Windows/Fonts/msyh.tt[cf]"]


@functools.cache
def _font(size: int):
    """A font that can write Chinese if the machine has one (Noto CJK, WenQuanYi, PingFang, YaHei); else None."""
    for pattern in FONT_PATTERNS:
        for path in sorted(glob.glob(pattern, recursive=True)):
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return None


def example_photo(label: str, seed: int, size: tuple[int, int] = SIZE) -> bytes:
    """A JPEG of coloured blocks with “示例照片” and `label` written on it (in ASCII “EXAMPLE PHOTO” when the
    machine has no Chinese font). Each seed gives different bytes."""
    rng = random.Random(seed)
    width, height = size
    img = Image.new("RGB", size, (rng.randint(110, 190), rng.randint(130, 190), rng.randint(110, 170)))
    draw = ImageDraw.Draw(img)
    for _ in range(8):
        x, y = rng.randint(0, width - 40), rng.randint(0, height - 30)
        draw.rectangle([x, y, x + rng.randint(30, width // 3), y + rng.randint(20, height // 3)],
                       fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    big, small = _font(30), _font(16)
    draw.rectangle([0, 0, width, 64], fill=(0, 0, 0))
    if big is not None:
        draw.text((12, 4), "示例照片", font=big, fill=(255, 255, 255))
        draw.text((12, 40), f"{label} #{seed}", font=small, fill=(255, 230, 120))
    else:
        draw.text((12, 12), "EXAMPLE PHOTO", fill=(255, 255, 255))
        draw.text((12, 36), f"demo #{seed}", fill=(255, 230, 120))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70)
    return out.getvalue()


def example_upload(label: str, seed: int) -> SimpleUploadedFile:
    """The photo as an upload, named 示例照片-<label>.jpg."""
    return SimpleUploadedFile(f"示例照片-{label}.jpg", example_photo(label, seed), "image/jpeg")
