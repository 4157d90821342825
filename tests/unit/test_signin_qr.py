"""The personal construction code as an inline SVG QR code, decoded back when zxing-cpp is there."""

import re
from datetime import UTC, datetime

from domain.signin.qr import render_qr_svg
from domain.signin.tokens import generate_key_pair, issue_code

TOKEN = issue_code(generate_key_pair()[0], 4_200_001, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
MODULE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z")


def test_the_svg_is_inline_and_sized_by_css():
    svg = render_qr_svg(TOKEN)
    assert svg.startswith('<svg class="qr-code"') and svg.endswith("</svg>")
    assert "mm" not in svg.split(">")[0] and "<?xml" not in svg


def test_the_code_fits_qr_version_6():
    view_box = re.search(r'viewBox="0 0 (\d+) (\d+)"', render_qr_svg(TOKEN))
    assert int(view_box.group(1)) == 17 + 4 * 6 + 2 * 4  # version 6 modules + quiet zone


def _rasterise(svg: str, scale: int = 8):
    from PIL import Image as image_module
    from PIL import ImageDraw as draw_module

    size = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    image = image_module.new("L", (size * scale, size * scale), 255)
    draw = draw_module.Draw(image)
    for x0, y0, x1, y1 in (map(int, m) for m in MODULE.findall(svg)):
        draw.rectangle((x0 * scale, y0 * scale, x1 * scale - 1, y1 * scale - 1), fill=0)
    return image


def test_the_svg_decodes_back_to_the_token():
    import zxingcpp

    results = zxingcpp.read_barcodes(_rasterise(render_qr_svg(TOKEN)))
    assert [r.text for r in results] == [TOKEN]
