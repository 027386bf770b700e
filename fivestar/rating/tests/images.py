import io

from PIL import Image


def jpeg_bytes(seed: int = 0, size=(1600, 1200)) -> bytes:
    img = Image.new("RGB", size, ((seed * 53) % 255, (seed * 97) % 255, 120))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()
