"""预警 rules (domain/warnings.py), one by one: data that triggers each and data that does not."""

from datetime import date, datetime

from domain import warnings as w
from domain.warnings import LineFacts, ProjectFacts, TableFacts, WorkerFacts

TODAY = date(2025, 11, 20)


def table(state="draft", period_end=date(2025, 11, 25), attended=None, paid=None):
    return TableFacts(1, 2, "恒固劳务", 7, 3, "2025-11", period_end, state,
                      attended or {}, paid or {})  # fmt: skip


def worker(last=None, accepted=date(2025, 10, 1), until=None):
    return WorkerFacts(1, 2, "恒固劳务", 11, 5, "张三", accepted, last, until)


def project(**kw):
    base = dict(id=1, name="徐汇项目", has_signin_point=True, settlement_day=25,
                signin_start="06:00", officers=1, officers_present_today=1)  # fmt: skip
    return ProjectFacts(**{**base, **kw})


def kinds(found):
    return [x.kind for x in found]


def test_a_table_not_submitted_warns_from_n_days_before_the_settlement_day():
    assert kinds(w.tables_not_submitted([table()], TODAY, 5)) == ["table_not_submitted"]
    found = w.tables_not_submitted([table("rejected")], TODAY, 5)[0]
    assert found.severity == w.MEDIUM and found.params["days"] == 5
    assert (
        found.target.endpoint == "payroll.compilation" and found.target.args["compilation_id"] == 7
    )
    assert "恒固劳务" in found.message("zh") and "not submitted" in found.message("en")
    assert (
        w.tables_not_submitted([table(period_end=date(2025, 11, 21))], TODAY, 5)[0].severity
        == w.HIGH
    )


def test_a_submitted_table_or_a_far_settlement_day_does_not_warn():
    assert w.tables_not_submitted([table("submitted")], TODAY, 5) == []
    assert w.tables_not_submitted([table()], TODAY, 4) == []  # 5 days left, N = 4
    assert w.tables_not_submitted([table(period_end=date(2025, 12, 25))], TODAY, 5) == []


def line(**kw):
    return LineFacts(1, 2, 7, 3, 40, "张三", "2025-11", **kw)


def test_open_disputes_warn_and_link_the_table():
    found = w.open_disputes([line(disputed=True), line(bank_status="returned")])
    assert kinds(found) == ["open_dispute"] and found[0].object == "line:40"
    assert found[0].target.args == {"project_id": 1, "compilation_id": 7}
    assert w.open_disputes([line()]) == []


def test_rejected_or_returned_lines_warn_until_paid_again():
    found = w.lines_not_repaid([line(bank_status="returned", bank_reason="AC04 账户已销户")])
    assert kinds(found) == ["line_not_repaid"] and found[0].target.endpoint == "payroll.batch"
    assert "退汇" in found[0].message("zh") and "returned" in found[0].message("en")
    assert kinds(w.lines_not_repaid([line(bank_status="rejected")])) == ["line_not_repaid"]
    assert w.lines_not_repaid([line(bank_status="paid"), line(bank_status="sent"),
                               line(disputed=True)]) == []  # fmt: skip


def test_attendance_without_pay_and_pay_without_attendance_in_a_compiled_table():
    t = table("submitted", attended={11: ("张三", 20), 12: ("李四", 18)},
              paid={11: ("张三", "6000.00"), 13: ("王五", "3000.00")})  # fmt: skip
    found = w.attendance_pay_mismatch([t])
    assert [(x.kind, x.object) for x in found] == [
        ("attendance_without_pay", "person:12"),
        ("pay_without_attendance", "person:13"),
    ]
    assert "18" in found[0].message("zh") and "3000.00" in found[1].message("zh")


def test_matching_attendance_and_pay_or_an_uncompiled_table_do_not_warn():
    both = {11: ("张三", 20)}
    assert (
        w.attendance_pay_mismatch([table("approved", attended=both, paid={11: ("张三", "1")})])
        == []
    )
    assert w.attendance_pay_mismatch([table("draft", attended=both)]) == []


def test_an_accepted_worker_without_a_sign_in_for_seven_days():
    assert kinds(w.absent_workers([worker(last=date(2025, 11, 13))], TODAY)) == ["worker_absent"]
    assert kinds(w.absent_workers([worker()], TODAY)) == ["worker_never_signed"]
    found = w.absent_workers([worker(last=date(2025, 11, 10))], TODAY)[0]
    assert found.params["days"] == 10 and found.target.endpoint == "signin.attendance_list"


def test_a_worker_who_signed_in_lately_or_was_just_accepted_does_not_warn():
    assert w.absent_workers([worker(last=date(2025, 11, 14))], TODAY) == []
    assert w.absent_workers([worker(accepted=date(2025, 11, 18))], TODAY) == []


def test_a_contract_ending_within_thirty_days_or_ended():
    found = w.contracts_ending([worker(until=date(2025, 12, 20))], TODAY)
    assert kinds(found) == ["contract_expiring"] and found[0].params["days"] == 30
    assert found[0].target.args == {"project_id": 1, "assignment_id": 5}
    ended = w.contracts_ending([worker(until=date(2025, 11, 1))], TODAY)
    assert kinds(ended) == ["contract_expired"] and ended[0].severity == w.HIGH


def test_a_contract_ending_later_or_unknown_does_not_warn():
    assert w.contracts_ending([worker(until=date(2025, 12, 21)), worker()], TODAY) == []


def test_a_project_without_a_sign_in_point_or_a_settlement_day():
    found = w.project_setup([project(has_signin_point=False, settlement_day=None)])
    assert kinds(found) == ["no_signin_point", "no_settlement_day"]
    assert [x.target.endpoint for x in found] == ["signin.point_edit", "payroll.settlement"]
    assert w.project_setup([project(), project(settlement_day=0)]) == []  # 0 = month end


def test_no_sign_in_officer_assigned_or_none_present_today():
    morning = datetime(2025, 11, 20, 7, 30)
    assert kinds(w.officer_missing([project(officers=0, officers_present_today=0)], morning)) == [
        "no_officer"
    ]
    absent = w.officer_missing([project(officers_present_today=0)], morning)
    assert kinds(absent) == ["officer_absent"] and absent[0].params["day"] == "2025-11-20"


def test_an_officer_present_or_before_the_sign_in_hours_does_not_warn():
    assert w.officer_missing([project()], datetime(2025, 11, 20, 7, 30)) == []
    assert (
        w.officer_missing([project(officers_present_today=0)], datetime(2025, 11, 20, 5, 0)) == []
    )


def test_ordered_puts_the_urgent_first_and_counts_by_kind():
    found = [*w.absent_workers([worker()], TODAY), *w.project_setup([project(settlement_day=None)]),
             *w.tables_not_submitted([table()], TODAY)]  # fmt: skip
    assert [x.severity for x in w.ordered(found)] == [w.HIGH, w.MEDIUM, w.LOW]
    assert w.counts_by_kind(found) == {"worker_never_signed": 1, "no_settlement_day": 1,
                                       "table_not_submitted": 1}  # fmt: skip


def test_every_kind_has_a_text_in_both_languages_and_a_label():
    assert set(w.TEXTS) == set(w.KIND_LABELS)
    for text in w.TEXTS.values():
        assert text.zh and text.en and text.placeholders()


def test_funding_short_only_when_the_latest_balance_does_not_cover_the_wages_due():
    from decimal import Decimal

    from domain.warnings import ProjectFacts, funding_short

    short = ProjectFacts(1, "徐汇项目", True, 25, balance=Decimal("100.00"), balance_day=date(2026, 12, 1),
                         wages_due=Decimal("8350.50"))
    (found,) = funding_short([short])
    assert found.kind == "funding_short" and found.target.endpoint == "payroll.funding"
    assert "缺口 8,250.50 元" in found.message()
    covered = ProjectFacts(1, "徐汇项目", True, 25, balance=Decimal("9000.00"), wages_due=Decimal("8350.50"))
    unknown = ProjectFacts(1, "徐汇项目", True, 25, balance=None, wages_due=Decimal("8350.50"))
    assert funding_short([covered, unknown]) == []
