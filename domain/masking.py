"""The one masked form of an ID number and of a bank card, for every page, export and message.

ID number: region (first six) and last four shown, ``110105********002X``.
Bank card: first four and last four shown, ``6222 **** **** 3445``.
Phone: first three and last four shown, ``138****5678``.
"""

from typing import TYPE_CHECKING


def mask_id_number(id_number: str | None) -> str:
    """'11010519491231002X' → '110105********002X'; ten characters or fewer: all stars."""
    value = (id_number or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_card(card: str | None) -> str:
    """'6222020200112233445' → '6222 **** **** 3445'; eight digits or fewer: all stars."""
    value = "".join((card or "").split())
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]} **** **** {value[-4:]}"


def mask_phone(phone: str | None) -> str:
    """'13812345678' → '138****5678'; seven digits or fewer: all stars."""
    value = (phone or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class Masked:
    """``masked_id`` and ``masked_card`` of anything with ``id_number`` and ``bank_card``."""

    if TYPE_CHECKING:  # the mapped classes declare them (a plain annotation would be mapped)
        id_number: str | None
        bank_card: str | None

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_card(self) -> str:
        return mask_card(self.bank_card)


HIDDEN = "******"  # a secret or a hash: shown as this, never even in part
