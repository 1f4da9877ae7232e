"""Real, small images for upload tests (made with Pillow, so they decode)."""

import io

from PIL import Image


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_location(size=(64, 48)) -> bytes:
    """A JPEG whose EXIF block carries a GPS position (a phone photo, as it leaves the camera)."""
    image = Image.new("RGB", size, (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 45.0, 0.0), 3: "E", 4: (116.0, 30.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
