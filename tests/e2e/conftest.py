"""Browser tests: the app on a live server (free port, fresh demo database per test) driven by
Debian's Chromium through Playwright (recipe: shared/reference/webui.md §3–4).

Never run `playwright install`: the browser is /usr/bin/chromium (apt package ``chromium``).
"""

import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "e2e"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """For tests that use pytest-playwright's ``page``: Debian's Chromium, not a download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": BASE_ARGS}


@pytest.fixture
def live_server(app):
    """The test app served on 127.0.0.1 (a secure context for camera and geolocation)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def launch(browser_type):
    """launch(extra_args) → a Chromium browser, closed after the test."""
    browsers = []

    def _launch(extra_args=()):
        browser = browser_type.launch(executable_path=CHROMIUM, args=BASE_ARGS + list(extra_args))
        browsers.append(browser)
        return browser

    yield _launch
    for browser in browsers:
        browser.close()


def fake_camera_args(y4m: Path) -> list[str]:
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}",
    ]


def png_to_y4m(png: Path, y4m: Path, size=(640, 480)) -> Path:
    """One grey-scale I420 frame (Chromium loops it) with the picture centred on white."""
    width, height = size
    src = Image.open(png).convert("L")
    src.thumbnail((width - 40, height - 40))
    frame = Image.new("L", (width, height), 255)
    frame.paste(src, ((width - src.width) // 2, (height - src.height) // 2))
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(y4m, "wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode())
        f.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return y4m


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
