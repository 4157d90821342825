"""The worker's photo (sensitive personal data), shown to the sign-in officer next to the name
he scanned, so that he sees whether the person in front of him is the code's owner.

An upload is decoded with Pillow, turned upright (EXIF orientation), re-encoded as a JPEG of
at most ``MAX_SIDE`` px without any metadata; anything else is refused with a message. The
bytes live in ``person_photo`` only: the audit log records that a photo was set, with its
SHA-256. ``photo_for`` says who may see it: staff who may see the worker's unit on the project,
the project's sign-in officers for workers accepted on it, and the worker himself.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import Actor
from domain.audit import record
from domain.errors import NO_ACCESS, AccessDenied, InvalidInput, NotFound
from domain.i18n import Text
from domain.model import Assignment, Person, PersonPhoto

MAX_BYTES = 10 * 1024 * 1024  # what a phone camera gives, with room
MAX_PIXELS = 50_000_000  # before decoding: a "decompression bomb" is refused
MAX_SIDE = 480
PHOTO_REQUIRED = Text(
    "请拍摄或上传工人照片（签到员扫码时核对本人）",
    "Take or upload the worker's photo (the sign-in officer checks it at each scan)",
)
NOT_AN_IMAGE = Text(
    "无法识别该文件为图片，请上传 JPEG、PNG 或手机拍摄的照片",
    "This file is not a readable image: upload a JPEG, PNG or a phone photo",
)
TOO_LARGE = Text(
    "照片文件过大（{size} MB），请上传不超过 {limit} MB 的照片",
    "The photo file is too large ({size} MB): at most {limit} MB",
)
TOO_MANY_PIXELS = Text("照片像素过大，请缩小后再上传", "The photo has too many pixels: resize it")
NO_PHOTO = Text("没有该工人的照片", "No photo of this worker on file")


@dataclass(frozen=True)
class Prepared:
    """A photo ready to be stored: the JPEG bytes and what the audit log records."""

    jpeg: bytes
    sha256: str
    width: int
    height: int


def prepare(data: bytes, field: str = "photo") -> Prepared:
    """Decode, turn upright, drop the metadata, shrink to ``MAX_SIDE`` and re-encode."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("photo_too_large", TOO_LARGE, field=field,
                           size=f"{len(data) / 1048576:.1f}", limit=MAX_BYTES // 1048576)  # fmt: skip
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise InvalidInput("photo_too_many_pixels", TOO_MANY_PIXELS, field=field)
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                picture = upright.convert("RGB")
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput("photo_too_many_pixels", TOO_MANY_PIXELS, field=field) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise InvalidInput("not_an_image", NOT_AN_IMAGE, field=field) from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    return _encoded(picture)


def _encoded(picture: Image.Image) -> Prepared:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)  # no exif= given: none is written
    jpeg = out.getvalue()
    return Prepared(jpeg, hashlib.sha256(jpeg).hexdigest(), picture.width, picture.height)


def photo_of(session: Session, person_id: int) -> PersonPhoto | None:
    return session.scalar(select(PersonPhoto).where(PersonPhoto.person_id == person_id))


def has_photo(session: Session, person_id: int) -> bool:
    return session.scalar(select(PersonPhoto.id).where(PersonPhoto.person_id == person_id)) is not None


def set_photo(session: Session, actor_id: int | None, person: Person, photo: Prepared,
              project_id: int | None = None) -> PersonPhoto:  # fmt: skip
    """Store (or replace) the person's photo; the audit log gets its digest, not its bytes."""
    row = photo_of(session, person.id)
    before = {"sha256": row.sha256} if row is not None else None
    if row is None:
        row = PersonPhoto(person_id=person.id)
        session.add(row)
    row.jpeg, row.sha256, row.width, row.height = photo.jpeg, photo.sha256, photo.width, photo.height
    row.set_by = actor_id
    record(session, actor_id, "person.photo", row, before, project_id=project_id,
           facts={"person_id": person.id, "sha256": photo.sha256,
                  "width": photo.width, "height": photo.height})  # fmt: skip
    return row


def at_registration(session: Session, actor_id: int | None, person: Person,
                    upload: bytes | None, project_id: int) -> None:  # fmt: skip
    """人员登记: the photo taken or uploaded; required unless one is on file already."""
    if upload:
        set_photo(session, actor_id, person, prepare(upload), project_id)
    elif person.id is None or not has_photo(session, person.id):
        raise missing()


def missing() -> InvalidInput:
    return InvalidInput("photo_required", PHOTO_REQUIRED, field="photo")


def photo_for(session: Session, actor: Actor, project_id: int, person_id: int) -> PersonPhoto:
    """The photo, for someone who may see this worker on this project; else ``NotFound``."""
    if not may_see(session, actor, project_id, person_id):
        raise AccessDenied(NO_ACCESS)
    row = photo_of(session, person_id)
    if row is None:
        raise NotFound("no_photo", NO_PHOTO)
    return row


def may_see(session: Session, actor: Actor, project_id: int, person_id: int) -> bool:
    if actor.person_id == person_id:
        return True
    a = session.scalar(
        select(Assignment).where(
            Assignment.project_id == project_id, Assignment.person_id == person_id
        )
    )
    if a is None:
        return False
    if actor.may("view_project", project_id, a.unit_id):
        return True
    return a.state == "accepted" and actor.may("scan_as_officer", project_id)


# -- demo portraits ---------------------------------------------------------------------------

FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)
COLOURS = ((70, 110, 160), (150, 90, 60), (60, 130, 100), (120, 80, 140), (160, 120, 40))


@cache
def portrait(name: str, colour: int = 0) -> Prepared:
    """A drawn placeholder portrait (head, shoulders and the name's first character) for the
    demo workers, so that the officer's scan shows a photo."""
    bg = COLOURS[colour % len(COLOURS)]
    picture = Image.new("RGB", (240, 300), bg)
    draw = ImageDraw.Draw(picture)
    skin = (235, 205, 175)
    draw.ellipse((70, 50, 170, 160), fill=skin)
    draw.rounded_rectangle((35, 175, 205, 320), radius=60, fill=(240, 240, 240))
    draw.rectangle((0, 250, 240, 300), fill=(40, 40, 40))
    font = _font(36)
    if font is not None:
        draw.text((120, 275), name[:2], fill=(255, 255, 255), font=font, anchor="mm")
    return _encoded(picture)


@cache
def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return None
