"""Pictures for evidence tests, and the check that a stored photo carries no location."""

import io

from django.utils import timezone
from PIL import Image

GPS_IFD, EXIF_IFD = 0x8825, 0x8769
TAKEN = "2024-05-06 07:08:09"  # the DateTimeOriginal of `photo_with_gps`


def jpeg_bytes(seed: int = 0, size=(1600, 1200)) -> bytes:
    img = Image.new("RGB", size, ((seed * 53) % 255, (seed * 97) % 255, 120))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def photo_with_gps(fmt="JPEG") -> bytes:
    """A photo as a phone takes it: a GPS position, a capture time and an orientation tag (stored sideways)."""
    img = Image.new("RGB", (60, 40), (200, 10, 10))
    img.paste((10, 10, 200), (0, 0, 30, 40))  # left half blue: shows where the orientation put it
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to display
    exif[0x0132] = "2024:05:06 10:00:00"
    exif[EXIF_IFD] = {36867: "2024:05:06 07:08:09"}
    exif[GPS_IFD] = {1: "N", 2: (35.0, 42.0, 10.5), 3: "E", 4: (115.0, 1.0, 2.0)}
    out = io.BytesIO()
    img.save(out, fmt, exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the test photo does carry a position
    return data


def assert_stored_without_location(evidence) -> bytes:
    """The stored file of `evidence` (a `photo_with_gps`) has no EXIF/XMP at all, its capture time is kept on the row."""
    with evidence.file.open("rb") as fh:
        stored = fh.read()
    img = Image.open(io.BytesIO(stored))
    exif = img.getexif()
    assert not exif.get_ifd(GPS_IFD) and GPS_IFD not in exif
    assert not exif and "exif" not in img.info and "xmp" not in img.info
    assert timezone.localtime(evidence.captured_at).strftime("%Y-%m-%d %H:%M:%S") == TAKEN
    return stored
