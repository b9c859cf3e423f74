import io

import pytest
from PIL import Image

from edgekit.errors import ImageEmpty, ImageNotFound, ImageTooLarge, ImageUndecodable
from edgekit.vision.images import MAX_BYTES, decode_image
from tests.pictures import ROTATED_90_CW, halves, jpeg_with_orientation, picture, png_claiming_size


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_phone_formats_decode_to_rgb(fmt):
    image = decode_image(picture((200, 10, 10), (40, 30), fmt))
    assert image.mode == "RGB" and image.size == (40, 30)
    red, green, blue = image.getpixel((20, 15))
    assert red > 180 and green < 40 and blue < 40


def test_a_path_works_like_bytes(tmp_path):
    path = tmp_path / "leaf.png"
    path.write_bytes(picture("blue"))
    assert decode_image(path).getpixel((0, 0)) == (0, 0, 255)
    assert decode_image(str(path)).size == (40, 30)


def test_exif_orientation_is_applied():
    # Stored landscape, left red and right blue; shown turned clockwise, red is on top.
    image = decode_image(jpeg_with_orientation(halves("red", "blue", (40, 20)), ROTATED_90_CW))
    assert image.size == (20, 40)
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_transparency_becomes_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (4, 4), (255, 0, 0, 0)).save(buffer, "PNG")
    assert decode_image(buffer.getvalue()).getpixel((0, 0)) == (255, 255, 255)


def test_a_large_jpeg_decodes_at_a_reduced_scale_when_allowed():
    data = picture("green", (1600, 1200), "JPEG")
    assert decode_image(data).size == (1600, 1200)
    small = decode_image(data, fit_within=(200, 200))
    # 1/4 scale: the largest reduction that keeps both sides at least 200, whichever way EXIF turns it.
    assert small.size == (400, 300)


def test_empty_image():
    with pytest.raises(ImageEmpty) as caught:
        decode_image(b"")
    assert caught.value.code == "image_empty"


def test_empty_file(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(ImageEmpty):
        decode_image(tmp_path / "empty.jpg")


@pytest.mark.parametrize(
    "data",
    [
        b"this is a letter, not a photo",
        picture("red", fmt="GIF"),  # a real image, but not a format we open
        picture("red", (64, 48), "JPEG")[:300],  # cut short in transit
        picture("red", (64, 48), "PNG")[:60],
    ],
    ids=["text", "gif", "truncated-jpeg", "truncated-png"],
)
def test_undecodable(data):
    with pytest.raises(ImageUndecodable) as caught:
        decode_image(data)
    assert caught.value.code == "image_undecodable"


@pytest.mark.parametrize("size", [(100_000, 100_000), (20_000, 10), (9_000, 9_000)])
def test_absurd_dimensions_are_refused_before_decoding(size):
    with pytest.raises(ImageTooLarge) as caught:
        decode_image(png_claiming_size(*size))
    assert caught.value.code == "image_too_large"


def test_an_oversize_file_is_refused_unread():
    with pytest.raises(ImageTooLarge):
        decode_image(b"\xff" * (MAX_BYTES + 1))


def test_a_missing_file(tmp_path):
    with pytest.raises(ImageNotFound) as caught:
        decode_image(tmp_path / "nowhere.jpg")
    assert caught.value.code == "image_not_found"
