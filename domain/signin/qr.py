"""QR rendering of a personal construction code (个人建设码) as inline SVG, without Pillow."""

import re

import qrcode
from qrcode.image.svg import SvgPathFillImage

# A fixed mask skips qrcode's trial of all eight masks, roughly doubling the rendering speed;
# any mask decodes, it only changes how the modules are spread.
_MASK_PATTERN = 0
_SIZE_ATTRS = re.compile(r'\s(width|height)="[^"]*mm"')
_PATH_ID = ' id="qr-path"'  # qrcode's fixed id would repeat if a page shows two codes


def render_qr_svg(token: str, css_class: str = "qr-code") -> str:
    """An ``<svg>`` element for ``token`` (ECC M, white quiet zone), sized by CSS via viewBox."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        mask_pattern=_MASK_PATTERN,
        image_factory=SvgPathFillImage,
    )
    code.add_data(token)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    # qrcode writes sizes in millimetres; drop them so the page decides the size.
    svg = _SIZE_ATTRS.sub("", svg, count=2).replace(_PATH_ID, "", 1)
    return svg.replace("<svg", f'<svg class="{css_class}" role="img"', 1)
