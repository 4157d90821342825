"""Shared by the wage payment web, integration and browser tests: a fake bank, the PKI, logins."""

from connectors.bank_client import ACCEPTED, SubmitResult
from connectors.bank_iso20022 import NS
from connectors.bank_reports import TransactionStatus


class FakeBank:
    """Accepts every payment except the EndToEndIds in ``reject``; counts what it was sent."""

    def __init__(self, reject=()):
        self.reject = set(reject)
        self.files: dict[str, bytes] = {}
        self.sent = 0

    def __call__(self, url):
        return self

    def submit(self, xml: bytes) -> SubmitResult:
        from lxml import etree

        self.sent += 1
        msg_id = etree.fromstring(xml).findtext(
            f"{{{NS}}}CstmrCdtTrfInitn/{{{NS}}}GrpHdr/{{{NS}}}MsgId"
        )
        self.files.setdefault(msg_id, xml)
        return SubmitResult(msg_id, ACCEPTED, "PART", lines=self.fetch_status(msg_id))

    def fetch_status(self, msg_id):
        from lxml import etree

        ids = [e.text for e in etree.fromstring(self.files[msg_id]).iter(f"{{{NS}}}EndToEndId")]
        return {
            e: TransactionStatus(e, "RJCT", "AC04", "账户已销户") if e in self.reject
            else TransactionStatus(e, "ACCP") for e in ids
        }  # fmt: skip

    def fetch_returns(self, msg_id):
        return []


def bound_connectors():
    import engine

    return engine.registry.get("bank/SubmitBatch").__self__
