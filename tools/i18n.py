"""Keep the English catalog in step with the Chinese msgids of the templates and views.

python tools/i18n.py            # extract, merge into en/messages.po, list untranslated
python tools/i18n.py fill F.json  # set translations from a {"中文": "English"} file
"""

import html
import json
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "web/translations/en/LC_MESSAGES/messages.po"
POT = ROOT / "instance/messages.pot"


BPMN_NAME = re.compile(r'<bpmn:(?:process|userTask|manualTask|task)\b[^>]*\bname="([^"]+)"')


def add_bpmn_names() -> None:
    """Process and user-task names of bpmn/*.bpmn are shown in the inbox: translate them too."""
    with POT.open("rb") as f:
        catalog = read_po(f)
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        for name in BPMN_NAME.findall(path.read_text()):
            if re.search(r"[\u4e00-\u9fff]", name):
                catalog.add(html.unescape(name), locations=[(f"bpmn/{path.name}", 0)])
    with POT.open("wb") as f:
        write_po(f, catalog, width=100)


def _babel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip


def extract() -> None:
    POT.parent.mkdir(exist_ok=True)
    keywords = [
        arg for k in ("_", "_l", "gettext", "ngettext", "lazy_gettext") for arg in ("-k", k)
    ]
    _babel("extract", "-F", "babel.cfg", *keywords, "-o", str(POT), ".")
    add_bpmn_names()
    catalog = ("-i", str(POT), "-d", "web/translations", "-l", "en")
    if not PO.exists():
        PO.parent.mkdir(parents=True, exist_ok=True)
        _babel("init", *catalog)
    _babel("update", *catalog, "--no-fuzzy-matching", "--ignore-obsolete")


def untranslated() -> list[str]:
    with PO.open("rb") as f:
        catalog = read_po(f)
    return [m.id for m in catalog if m.id and not m.string]


def fill(path: str) -> None:
    table = json.loads(Path(path).read_text())
    with PO.open("rb") as f:
        catalog = read_po(f)
    for m in catalog:
        if m.id in table:
            m.string = table[m.id]
            m.flags.discard("fuzzy")
    with PO.open("wb") as f:
        write_po(f, catalog, width=100)


if __name__ == "__main__":
    extract()  # fill applies to the current msgids, so extract first in both modes
    if len(sys.argv) > 2 and sys.argv[1] == "fill":
        fill(sys.argv[2])
    missing = untranslated()
    print(f"{len(missing)} untranslated")
    for m in missing:
        print("  ", json.dumps(m, ensure_ascii=False))
