"""Small pictures made in memory for the vision tests: solid colours, EXIF-rotated photos, broken files."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

EXIF_ORIENTATION = 0x0112
ROTATED_90_CW = 6  # the camera was held upright: show the stored pixels turned 90 degrees clockwise


def picture(color: tuple[int, int, int] | str, size: tuple[int, int] = (40, 30), fmt: str = "PNG", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def halves(left: str, right: str, size: tuple[int, int] = (40, 20)) -> Image.Image:
    """An image whose left half is one colour and right half another."""
    image = Image.new("RGB", size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg_with_orientation(image: Image.Image, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims enormous dimensions: a decompression bomb's signature."""
    small = picture("white", (1, 1), "PNG")
    ihdr_at = 8  # after the PNG signature: length (4), type (4), data (13), crc (4)
    data = struct.pack(">II", width, height) + small[ihdr_at + 16 : ihdr_at + 21]
    chunk = b"IHDR" + data
    return small[: ihdr_at + 4] + chunk + struct.pack(">I", zlib.crc32(chunk)) + small[ihdr_at + 25 :]
