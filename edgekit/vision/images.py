"""Decoding a photo from a phone into an upright RGB picture, refusing anything that could hurt the box.

Phones send JPEG (sometimes PNG or WebP) with the camera's rotation in an EXIF tag rather than in the pixels.
Only those three decoders are used: each extra format is more parser code facing untrusted bytes. A file's
header gives its dimensions before any pixel is decoded, so an image that would need gigabytes once decoded (a
"decompression bomb", or simply a 200-megapixel photo on a 4 GB Pi) is refused before it can take the memory.
"""

from __future__ import annotations

import io
import struct
import warnings
from pathlib import Path

from PIL import Image, ImageOps

from edgekit.errors import ImageEmpty, ImageNotFound, ImageTooLarge, ImageUndecodable

FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 40 * 1024 * 1024  # a 50-megapixel phone JPEG is about 25 MB
MAX_PIXELS = 64_000_000  # 50-megapixel phone cameras pass; decoded in full that is 192 MB of RGB
MAX_SIDE = 16_384  # a 1 x 60,000,000 strip is no photo either

ImageSource = bytes | str | Path

# What Pillow raises on a damaged or hostile file; which one depends on the format and where the damage is.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


def read_image_bytes(source: ImageSource) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_BYTES + 1)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ImageNotFound(f"No image file at {path}.") from None
    if not data:
        raise ImageEmpty("The image is empty (0 bytes). Take or choose the photo again.")
    if len(data) > MAX_BYTES:
        raise ImageTooLarge(f"The image file is larger than {MAX_BYTES // (1024 * 1024)} MB. Send a smaller photo.")
    return data


def decode_image(source: ImageSource, *, fit_within: tuple[int, int] | None = None) -> Image.Image:
    """An upright RGB image. `fit_within` lets a JPEG decode at 1/2, 1/4 or 1/8 scale when the caller only needs
    that many pixels: decoding a 12-megapixel photo for a 224-pixel model then takes an eighth of the memory."""
    data = read_image_bytes(source)
    try:
        with warnings.catch_warnings():
            # Our own limits below are stricter than Pillow's warning threshold.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=FORMATS)
        _refuse_oversize(image.size)
        if fit_within is not None and image.format == "JPEG":
            # Square request: the EXIF rotation below may swap width and height.
            side = max(fit_within)
            image.draft("RGB", (side, side))
        image.load()
        image = ImageOps.exif_transpose(image)
        return _as_rgb(image)
    except Image.UnidentifiedImageError:
        raise ImageUndecodable("This is not a JPEG, PNG or WebP image.") from None
    except Image.DecompressionBombError:
        raise ImageTooLarge("The image's dimensions are too large to decode safely.") from None
    except _DECODE_ERRORS as exc:
        raise ImageUndecodable(f"The image could not be decoded ({exc}); it may be cut short or damaged.") from None


def _refuse_oversize(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ImageTooLarge(
            f"The image is {width} x {height} pixels; at most {MAX_PIXELS // 1_000_000} megapixels "
            f"and {MAX_SIDE} pixels a side are accepted. Send a smaller photo."
        )


def _as_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent areas become white, as a browser shows them, not the black that dropping alpha gives.
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
