"""A worker's photo for the registration form (人员登记 requires one for a new person)."""

import io

from PIL import Image


def jpeg(size=(1200, 900), colour=(200, 30, 30), exif_orientation: int | None = None) -> bytes:
    """A JPEG with camera metadata (and an orientation, if given) that must not survive."""
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0110] = "TestPhone"  # Model
    if exif_orientation:
        exif[0x0112] = exif_orientation
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def register(client, form: dict, data: bytes | None = None, name: str = "me.jpg", url=""):
    """POST 人员登记 with ``form`` and a photo file."""
    body = {**form, "photo": (io.BytesIO(data or jpeg()), name)}
    return client.post(url or "/projects/1/workers/new", data=body,
                       content_type="multipart/form-data")  # fmt: skip
