"""Copy the front-end files the pages use from node_modules/ into web/static/vendor/ (git-ignored)."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NM = ROOT / "node_modules"
VENDOR = ROOT / "web" / "static" / "vendor"
FILES = {
    "@picocss/pico/css/pico.min.css": "pico.min.css",
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "jsqr/dist/jsQR.js": "jsQR.js",
    "bpmn-js/dist/bpmn-modeler.production.min.js": "bpmn-modeler.production.min.js",
    "bpmn-js/dist/bpmn-navigated-viewer.production.min.js": "bpmn-navigated-viewer.production.min.js",
    "bpmn-js/dist/assets": "bpmn-js-assets",
    "bpmn-js-properties-panel/dist/bpmn-js-properties-panel.umd.js": "bpmn-js-properties-panel.umd.js",
    "@bpmn-io/properties-panel/dist/assets/properties-panel.css": "properties-panel.css",
}


def main() -> int:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for src, dest in FILES.items():
        path = NM / src
        if not path.exists():
            print(f"missing {path}: run `npm ci` first", file=sys.stderr)
            return 1
        target = VENDOR / dest
        if path.is_dir():
            shutil.copytree(path, target, dirs_exist_ok=True)
        else:
            shutil.copy2(path, target)
    print(f"vendor: {len(FILES)} entries copied to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
