"""The roster's rules without a database: contracts in force, stints on site, the document."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from domain.errors import InvalidInput
from domain.roster import contracts, site
from domain.roster.contracts import ContractForm, clean_contract
from domain.roster.demo import demo_pdf
from domain.uploads import sniff_document as sniff

TODAY = date(2026, 11, 15)


def contract(id: int, start: date, until: date):
    return SimpleNamespace(id=id, starts_on=start, effective_until=until, ends_on=until)


def event(id: int, kind: str, day: date):
    return SimpleNamespace(id=id, kind=kind, day=day)


def form(**changes) -> ContractForm:
    values = dict(kind="fixed_term", starts_on="2026-01-01", ends_on="2027-12-31", task="",
                  file_name="合同.pdf", data=demo_pdf(["contract"]))  # fmt: skip
    return ContractForm(**{**values, **changes})


def test_a_contract_is_in_force_from_its_start_to_its_end():
    held = [contract(1, date(2026, 1, 1), date(2026, 12, 31))]
    assert contracts.contract_refusal(held, date(2026, 1, 1)) is None
    assert contracts.contract_refusal(held, date(2026, 12, 31)) is None
    ended = contracts.contract_refusal(held, date(2027, 1, 1), "王伟")
    assert ended.reason == "contract_expired"
    assert ended.message() == "王伟的劳动合同已于 2026-12-31 到期，不得进场作业"
    early = contracts.contract_refusal(held, date(2025, 12, 31), "王伟")
    assert early.reason == "contract_not_started" and "2026-01-01 起生效" in early.message()
    none = contracts.contract_refusal([], TODAY, "王伟")
    assert none.reason == "no_contract" and none.message("en").startswith("王伟 has no labour")


def test_a_superseded_contract_covers_no_day_after_its_successor_starts():
    # the first ran to 2026-12-31; the renewal from 2026-07-01 cut it to 2026-06-30
    held = [contract(2, date(2026, 7, 1), date(2027, 6, 30)),
            contract(1, date(2026, 1, 1), date(2026, 6, 30))]  # fmt: skip
    assert contracts.in_force(held, date(2026, 3, 1)).id == 1
    assert contracts.in_force(held, date(2026, 8, 1)).id == 2
    corrected = [contract(2, date(2026, 1, 1), date(2026, 3, 31)),
                 contract(1, date(2026, 1, 1), date(2025, 12, 31))]  # covers no day any more
    assert contracts.contract_refusal(corrected, date(2026, 5, 1)).params["until"] == "2026-03-31"


def test_contract_flags_warn_30_days_ahead():
    flag = contracts.contract_flag([contract(1, date(2026, 1, 1), TODAY + timedelta(30))], TODAY)
    assert flag.reason == "contract_expiring" and "即将到期" in flag.message()
    assert contracts.contract_flag([contract(1, date(2026, 1, 1), TODAY + timedelta(31))],
                                   TODAY) is None  # fmt: skip
    assert contracts.contract_flag([], TODAY).message() == "未登记劳动合同"
    gone = contracts.contract_flag([contract(1, date(2026, 1, 1), TODAY - timedelta(1))], TODAY)
    assert gone.reason == "contract_expired" and gone.message("en").startswith("Labour contract")


def test_stints_and_presence():
    events = [event(1, "entry", date(2026, 3, 2)), event(2, "exit", date(2026, 6, 30)),
              event(3, "entry", date(2026, 9, 1))]  # fmt: skip
    stints = site.stints_from(events)
    assert stints == [(date(2026, 3, 2), date(2026, 6, 30)), (date(2026, 9, 1), None)]
    assert site.presence_refusal(stints, date(2026, 6, 30)) is None  # the exit day counts
    gone = site.presence_refusal(stints, date(2026, 7, 1), "王伟")
    assert gone.reason == "exited" and gone.message() == "王伟已于 2026-06-30 退场"
    assert site.presence_refusal(stints, date(2026, 12, 1)) is None  # entered again
    assert site.presence_refusal(stints, date(2026, 3, 1)).reason == "before_entry"
    assert site.presence_refusal([], TODAY).reason == "not_entered"


def test_the_document_type_is_read_from_the_bytes():
    assert sniff(demo_pdf(["x"])) == ("application/pdf", ".pdf")
    assert sniff(b"\xff\xd8\xff\xe0rest") == ("image/jpeg", ".jpg")
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == ("image/png", ".png")
    assert sniff(b"<html>") is None
    clean = clean_contract(form(file_name="../../etc/scan.exe", data=b"\x89PNG\r\n\x1a\n..."),
                           TODAY)  # fmt: skip
    assert clean.file_type == "image/png" and clean.file_name == "scan.png"


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"kind": "forever"}, "invalid_contract_kind", "contract_kind"),
        ({"starts_on": ""}, "date_required", "contract_starts_on"),
        ({"ends_on": "2026-13-45"}, "not_a_date", "contract_ends_on"),
        ({"ends_on": "2025-12-31"}, "invalid_contract_term", "contract_ends_on"),
        ({"starts_on": "2025-01-01", "ends_on": "2026-11-14"}, "contract_already_ended",
         "contract_ends_on"),
        ({"kind": "per_task", "task": " "}, "contract_task_required", "contract_task"),
        ({"data": b""}, "contract_file_required", "contract_file"),
        ({"data": b"GIF89a"}, "contract_file_type", "contract_file"),
        ({"data": b"%PDF-" + b"0" * contracts.MAX_FILE_BYTES}, "contract_file_too_large",
         "contract_file"),
    ],
)  # fmt: skip
def test_each_bad_contract_field_is_named(changes, reason, field):
    with pytest.raises(InvalidInput) as refused:
        clean_contract(form(**changes), TODAY)
    assert refused.value.reason == reason and refused.value.field == field
    assert "{" not in refused.value.message("zh") + refused.value.message("en")


def test_a_per_task_contract_keeps_its_task_a_fixed_term_one_none():
    assert clean_contract(form(kind="per_task", task="3 号楼钢筋绑扎"), TODAY).task == "3 号楼钢筋绑扎"
    assert clean_contract(form(task="ignored"), TODAY).task is None
