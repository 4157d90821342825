"""Sign-in refusals (班前签到拒绝原因).

Messages are English gettext msgids marked with ``N_`` so that ``pybabel extract -k N_`` collects
them; the web layer translates with ``gettext(exc.msgid) % exc.params``. The Chinese text sits
beside each msgid so that the foundation can put both into the Babel catalog, and so that domain
tests (which run without Flask) can check what a Chinese user reads.
"""


def N_(msgid: str) -> str:
    """Mark a msgid for extraction without translating it (Babel keyword ``N_``)."""
    return msgid


#: reason code -> (English msgid, Chinese text); both use ``%(name)s`` placeholders.
MESSAGES: dict[str, tuple[str, str]] = {
    "code_expired": (
        N_("This code has expired, please ask for a fresh code"),
        "二维码已过期，请刷新后重新扫码",
    ),
    "code_not_yet_valid": (
        N_("This code is not valid yet, please check the phone's clock"),
        "二维码尚未生效，请检查手机时间",
    ),
    "code_forged": (
        N_("This code is not genuine"),
        "二维码无效（签名校验失败）",
    ),
    "code_malformed": (
        N_("This is not a personal construction code"),
        "无法识别的二维码，请扫描个人建设码",
    ),
    "not_accepted": (
        N_("The worker has not been accepted on this project"),
        "该工人未被本项目接收，不能签到",
    ),
    "officer_not_authorised": (
        N_("This person is not an authorised sign-in officer on this project"),
        "该人员不是本项目授权的班前签到员",
    ),
    "out_of_range": (
        N_(
            "Not within the project's sign-in range (%(distance)s m from the sign-in point,"
            " %(radius)s m allowed)"
        ),
        "不在项目签到范围内（距离签到点 %(distance)s 米，允许 %(radius)s 米）",
    ),
    "point_not_set": (
        N_(
            "This project has no sign-in point yet; please ask the project manager to set it"
            " in 'Adjust pre-shift sign-in location' before signing in"
        ),
        "该项目未设置签到地址，请联系项目经理在【项目班前签到定位调整】中设置后再签到",
    ),
    "outside_hours": (
        N_("Sign-in is only open from %(start)s to %(end)s"),
        "不在签到时间内（签到时间 %(start)s–%(end)s）",
    ),
    "location_missing": (
        N_("No location was received; please turn on location services and try again"),
        "未获取到位置信息，请打开定位后重试",
    ),
    "location_denied": (
        N_("Location access was denied; please allow this page to use your location"),
        "定位权限被拒绝，请允许本页面获取位置后重试",
    ),
    "already_signed": (
        N_("Already signed in today at %(time)s"),
        "今日已签到 %(time)s",
    ),
}


class SignInRefused(Exception):
    """A sign-in (班前签到) was refused; ``reason`` is one of the keys of ``MESSAGES``."""

    extra: dict | None = None  # who was scanned, for the officer's running list

    def __init__(self, reason: str, **params: object) -> None:
        if reason not in MESSAGES:
            raise ValueError(f"unknown sign-in refusal reason: {reason!r}")
        self.reason = reason
        self.params = params
        super().__init__(f"{reason}: {self.message('en')}")

    @property
    def msgid(self) -> str:
        """The English gettext msgid, for ``gettext(msgid) % params`` in the web layer."""
        return MESSAGES[self.reason][0]

    def message(self, lang: str = "zh") -> str:
        """The user message in Chinese ('zh', the default) or English ('en')."""
        english, chinese = MESSAGES[self.reason]
        text = english if lang.startswith("en") else chinese
        return text % self.params if self.params else text
