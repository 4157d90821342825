"""Workers' photos without app or database: what an upload becomes, what is refused."""

import io

import pytest
from PIL import Image

from domain import photos
from domain.errors import InvalidInput
from domain.passwords import check_new_password
from tests.web.photo_helpers import jpeg


def test_a_phone_photo_is_turned_upright_shrunk_and_stripped():
    # 800×600 as stored, orientation 6 (the phone was held upright): 600×800 when shown
    p = photos.prepare(jpeg((800, 600), exif_orientation=6))
    assert (p.width, p.height) == (360, 480)
    image = Image.open(io.BytesIO(p.jpeg))
    assert image.format == "JPEG" and image.size == (360, 480)
    assert not image.getexif() and "exif" not in image.info
    assert len(p.sha256) == 64


def test_a_png_with_transparency_becomes_a_jpeg_and_a_small_one_stays_small():
    out = io.BytesIO()
    Image.new("RGBA", (120, 160), (0, 0, 0, 0)).save(out, "PNG")
    p = photos.prepare(out.getvalue())
    assert (p.width, p.height) == (120, 160) and p.jpeg[:2] == b"\xff\xd8"


@pytest.mark.parametrize("data, reason", [
    (b"", "not_an_image"),
    (b"%PDF-1.7 a contract", "not_an_image"),
    (jpeg()[:200], "not_an_image"),  # truncated
    (b"0" * (photos.MAX_BYTES + 1), "photo_too_large"),
])  # fmt: skip
def test_what_is_not_a_usable_photo_is_refused_on_the_photo_field(data, reason):
    with pytest.raises(InvalidInput) as err:
        photos.prepare(data)
    assert err.value.reason == reason and err.value.field == "photo"
    assert err.value.message("zh") and err.value.message("en")


def test_a_decompression_bomb_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # a few KB, 400 megapixels
    with pytest.raises(InvalidInput) as err:
        photos.prepare(out.getvalue())
    assert err.value.reason == "photo_too_many_pixels"


def test_the_demo_portrait_is_a_small_jpeg_with_the_name():
    p = photos.portrait("王伟", 3)
    assert (p.width, p.height) == (240, 300) and p is photos.portrait("王伟", 3)


@pytest.mark.parametrize("password, again, reason", [
    ("abc123", "abc123", "password_too_short"),
    ("abcdefgh", "abcdefgh", "password_too_simple"),
    ("12345678", "12345678", "password_too_simple"),
    ("abcd1234", "abcd1235", "password_mismatch"),
    ("a1" * 65, "a1" * 65, "password_too_long"),
])  # fmt: skip
def test_new_password_rules(password, again, reason):
    with pytest.raises(InvalidInput) as err:
        check_new_password(password, again)
    assert err.value.reason == reason
    assert check_new_password("anquan2026", "anquan2026") == "anquan2026"
