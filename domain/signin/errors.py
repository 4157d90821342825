"""Sign-in refusals (班前签到拒绝原因): a kind of ``DomainError`` with a fixed set of reasons.

Each reason has its bilingual text (named ``{placeholders}``, as every domain message); the
JSON API answers the reason code, which clients match on (web/signin/openapi.py lists them).
"""

from typing import Any

from domain import gates
from domain.errors import DomainError
from domain.i18n import Text
from domain.roster import contracts, site

#: reason code -> its message in Chinese and English.
MESSAGES: dict[str, Text] = {
    "code_expired": Text(
        "二维码已过期，请刷新后重新扫码",
        "This code has expired, please ask for a fresh code",
    ),
    "code_not_yet_valid": Text(
        "二维码尚未生效，请检查手机时间",
        "This code is not valid yet, please check the phone's clock",
    ),
    "code_forged": Text(
        "二维码无效（签名校验失败）",
        "This code is not genuine",
    ),
    "code_malformed": Text(
        "无法识别的二维码，请扫描个人建设码",
        "This is not a personal construction code",
    ),
    "not_accepted": Text(
        "该工人未被本项目接收，不能签到",
        "The worker has not been accepted on this project",
    ),
    "officer_not_authorised": Text(
        "该人员不是本项目授权的班前签到员",
        "This person is not an authorised sign-in officer on this project",
    ),
    "out_of_range": Text(
        "不在项目签到范围内（距离签到点 {distance} 米，允许 {radius} 米）",
        "Not within the project's sign-in range ({distance} m from the sign-in point,"
        " {radius} m allowed)",
    ),
    "point_not_set": Text(
        "该项目未设置签到地址，请联系项目经理在【项目班前签到定位调整】中设置后再签到",
        "This project has no sign-in point yet; please ask the project manager to set it"
        " in 'Adjust pre-shift sign-in location' before signing in",
    ),
    "outside_hours": Text(
        "不在签到时间内（签到时间 {start}–{end}）",
        "Sign-in is only open from {start} to {end}",
    ),
    "location_missing": Text(
        "未获取到位置信息，请打开定位后重试",
        "No location was received; please turn on location services and try again",
    ),
    "location_denied": Text(
        "定位权限被拒绝，请允许本页面获取位置后重试",
        "Location access was denied; please allow this page to use your location",
    ),
    "under_age": gates.UNDER_AGE,
    "over_age": gates.OVER_AGE,
    # 聘用登记 and 进退场登记 (domain/roster): a contract in force, on site today
    "no_contract": contracts.NO_CONTRACT,
    "contract_expired": contracts.CONTRACT_EXPIRED,
    "contract_not_started": contracts.CONTRACT_NOT_STARTED,
    "not_entered": site.NOT_ENTERED,
    "before_entry": site.BEFORE_ENTRY,
    "exited": site.EXITED,
    "already_signed": Text(
        "今日已签到 {time}",
        "Already signed in today at {time}",
    ),
}


class SignInRefused(DomainError):
    """A sign-in (班前签到) was refused; ``reason`` is one of the keys of ``MESSAGES``.

    Status 422 (the request was understood and refused), 409 when already signed in today.
    """

    status = 422
    kind = "signin_refused"

    def __init__(self, reason: str, **params: Any) -> None:
        if reason not in MESSAGES:
            raise ValueError(f"unknown sign-in refusal reason: {reason!r}")
        super().__init__(reason, MESSAGES[reason], **params)
        if reason == "already_signed":
            self.status = 409
