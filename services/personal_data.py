"""Personal-data keys at work: encrypt every stored ID, card and phone number again with the
current key (after a new key was added and made current), so that the old key can go."""

from domain import personal_data
from domain.audit import record
from services.uow import UnitOfWork, use_case


@use_case
def reencrypt_personal_data(uow: UnitOfWork, *, by: str) -> dict[str, int]:
    """Every value under an older key id, encrypted again with the current one; the counts by
    ``table.column`` (audited, counts only)."""
    counts = personal_data.reencrypt(uow.session)
    record(uow.session, None, "pii.reencrypt", None,
           facts={"by": by, "key": personal_data.keyring().current, **counts})  # fmt: skip
    return counts
