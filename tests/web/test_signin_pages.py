"""Sign-in pages and JSON API through the test client (the browser flows are in tests/e2e)."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook

from domain.signin.tokens import issue_code
from tests.web.test_route_access import _login_as

OFFICER, WORKER = 4, 1


def login(app, who):
    client = app.test_client()
    _login_as(client, app, who)
    return client


def a_code(app, person_id, at=None):
    from web.signin.common import code_keys

    with app.app_context():
        return issue_code(code_keys().private_key, person_id, at or datetime.now(UTC))


def test_worker_home_lists_the_sign_in_services(app):
    page = login(app, "worker").get("/").text
    for text in ("个人建设码", "班前签到", "我的考勤"):
        assert text in page
    assert "班前签到员" not in page
    assert "班前签到员" in login(app, "officer").get("/").text


def test_my_code_page_shows_a_qr_with_countdown_and_renewal(app):
    client = login(app, "worker")
    page = client.get("/signin/code").text
    assert "<svg" in page and "data-countdown" in page and 'hx-trigger="every 100s, renew"' in page
    fragment = client.get("/signin/code/fragment").text
    assert fragment.strip().startswith('<div id="code-box"') and "<svg" in fragment
    data = client.get("/api/signin/code").json
    assert data["token"].startswith("PCC1:") and data["expires_at"] - data["issued_at"] == 120


def test_worker_scan_api_signs_in_once(app, open_all_day):
    lat, lng = open_all_day
    client = login(app, "worker")
    body = {"code": a_code(app, OFFICER), "lat": lat, "lng": lng, "accuracy": 12}
    r = client.post("/api/signin/worker-scan", json=body)
    assert r.status_code == 200 and r.json["ok"] and r.json["method"] == "worker_scan"
    again = client.post("/api/signin/worker-scan", json=body)
    assert again.status_code == 409 and again.json["reason"] == "already_signed"
    assert again.json["message"] == f"今日已签到 {r.json['time']}"


def test_officer_scan_api_and_refusals_in_english(app, open_all_day):
    lat, lng = open_all_day
    client = login(app, "officer")
    url = "/api/signin/projects/1/officer-scan"
    ok = client.post(url, json={"code": a_code(app, 2), "lat": lat, "lng": lng})
    assert ok.json["ok"] and ok.json["person_name"]
    expired = a_code(app, 3, datetime.now(UTC) - timedelta(minutes=5))
    r = client.post(url + "?lang=en", json={"code": expired, "lat": lat, "lng": lng})
    assert r.status_code == 422 and r.json["reason"] == "code_expired"
    assert r.json["message"] == "This code has expired, please ask for a fresh code"
    far = client.post(url, json={"code": a_code(app, 3), "lat": lat + 0.01, "lng": lng})
    assert far.json["reason"] == "out_of_range" and "米" in far.json["message"]
    assert far.json["person_name"]  # the running list names whom the refusal is about
    denied = client.post(url, json={"code": a_code(app, 3), "location_error": "denied"})
    assert denied.json["reason"] == "location_denied"


def test_ranges_say_inside_or_why_not(app, open_all_day):
    lat, lng = open_all_day
    client = login(app, "worker")
    inside = client.get(f"/api/signin/ranges?lat={lat}&lng={lng}&accuracy=8").json
    assert inside["can_sign_in"] and inside["sites"][0]["inside"]
    far = client.get(f"/api/signin/ranges?lat={lat + 0.01}&lng={lng}").json
    assert not far["can_sign_in"] and far["sites"][0]["distance_m"] == 1112
    missing = client.get("/api/signin/ranges?location_error=denied").json
    assert missing["sites"][0]["reason"] == "location_denied"


def test_point_page_stores_gcj02_as_wgs84_and_links_to_amap(app):
    client = login(app, "gc_pm")
    form = {"point": "121.478223,31.228458", "system": "gcj02", "radius": "150", "confirm": "1"}
    r = client.post("/projects/1/signin/point", data={**form, "start": "05:00", "end": "11:00"})
    assert r.status_code == 302
    page = client.get("/projects/1/signin/point").text
    assert "121.473700, 31.230400" in page  # WGS-84 (domain.md §3 vector)
    assert "uri.amap.com/marker?position=121.478223,31.228458" in page
    assert "在我的位置测试" in page
    test = client.get("/api/signin/projects/1/point-test?lat=31.2304&lng=121.4737&accuracy=5")
    assert test.json["inside"] and test.json["distance_m"] == 0
    bad = client.post("/projects/1/signin/point", data={**form, "system": "mars", "point": "121.5,31.2"})
    assert bad.status_code == 400 and "坐标系应为" in bad.text
    assert 'placeholder="121.46558,31.189384" value="121.5,31.2"' in bad.text
    assert '<select name="system" aria-invalid="true"' in bad.text  # the field at fault


def test_point_api(app):
    client = login(app, "gc_pm")
    r = client.post(
        "/api/signin/projects/1/point", json={"lng": 121.4737, "lat": 31.2304, "system": "wgs84"}
    )
    assert r.json["points"]["wgs84"] == {"lat": 31.2304, "lng": 121.4737}
    bad = client.post("/api/signin/projects/1/point", json={"lng": "x", "lat": 31})
    assert bad.status_code == 400 and bad.json["field"] == "lng"
    assert bad.json["reason"] == "invalid_coordinates" and bad.json["error"] == "invalid_input"


def test_attendance_list_filters_export_and_chart(app):
    client = login(app, "suba_pm")
    page = client.get("/projects/1/signin/attendance?from=2000-01-01&to=2100-01-01").text
    assert "考勤记录" in page and "总包自有班组</td>" not in page
    xlsx = client.get("/projects/1/signin/attendance.xlsx?from=2000-01-01&to=2100-01-01")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(xlsx.data)).active
    assert sheet.max_row > 100 and {
        sheet.cell(r, 6).value for r in range(3, sheet.max_row + 1)
    } == {"上海恒固劳务有限公司"}
    chart = client.get("/projects/1/signin/chart").text
    assert chart.count("<rect") == 30 and "近30天每日签到人数" in chart
    assert 'hx-get="/projects/1/signin/chart"' in client.get("/projects/1").text
    api = client.get("/api/signin/projects/1/attendance?from=2000-01-01&to=2100-01-01").json
    assert {a["unit_id"] for a in api["attendance"]} == {2}


def test_my_attendance_calendar(app):
    client = login(app, "worker")
    page = client.get("/signin/my").text
    assert "本月签到" in page and 'class="calendar"' in page
    api = client.get("/api/signin/me/attendance").json
    assert api["signed_days"] == len({a["day"] for a in api["attendance"]})


def test_officer_pages(app):
    client = login(app, "officer")
    page = client.get("/signin/officer").text
    assert "选择身份" in page and "/signin/officer/projects/1" in page
    scan = client.get("/signin/officer/projects/1").text
    assert "jsQR.js" in scan and "/api/signin/projects/1/officer-scan" in scan


def test_openapi_describes_the_sign_in_api(client):
    doc = client.get("/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert "/api/signin/worker-scan" in doc["paths"]
    assert (
        "already_signed"
        in doc["components"]["schemas"]["SignInRefused"]["properties"]["reason"]["enum"]
    )
