"""SMS (短信) drivers behind ``domain.notifications.SmsDriver``; the setting
``ZHUXIN_SMS_DRIVER`` picks one by name.

No outside SMS gateway is reachable from here, so the default driver writes each message to the
log (the phone masked); a gateway (阿里云短信, 腾讯云短信 …) is one more class with ``send`` and
one more name in ``DRIVERS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from domain.masking import mask_phone
from domain.notifications import SmsDriver, SmsFailed

log = logging.getLogger("zhuxin.sms")


class LogSmsDriver:
    """Writes the message to the ``zhuxin.sms`` log instead of sending it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []  # what it was given, for tests and the demo

    def send(self, phone: str, text: str) -> None:
        if not phone:
            raise SmsFailed("no phone number")
        self.sent.append((phone, text))
        log.info("SMS to %s: %s", mask_phone(phone), text)


DRIVERS: dict[str, Callable[[Mapping[str, Any]], SmsDriver]] = {
    "log": lambda settings: LogSmsDriver(),
}


def driver_for(settings: Mapping[str, Any]) -> SmsDriver:
    """The driver the settings name (``ZHUXIN_SMS_DRIVER``, default ``log``)."""
    name = str(settings.get("ZHUXIN_SMS_DRIVER") or "log")
    if name not in DRIVERS:
        raise ValueError(f"unknown SMS driver {name!r}; known: {', '.join(sorted(DRIVERS))}")
    return DRIVERS[name](settings)
