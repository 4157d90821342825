"""项目班前签到定位调整: one field for what AMap gives, the swap said, the confirm step."""

import pytest

from tests.login_helpers import log_in_directly

URL = "/projects/1/signin/point"
HOURS = {"system": "gcj02", "radius": "300", "start": "05:00", "end": "11:00"}


@pytest.fixture
def gc_pm(app):
    client = app.test_client()
    log_in_directly(client, app, "gc_pm")
    return client


def save(client, point, **more):
    return client.post(URL, data={**HOURS, "point": point, **more}, follow_redirects=True)


@pytest.mark.parametrize("point", ["121.46558，31.189384",
                                   "https://uri.amap.com/marker?position=121.46558,31.189384",
                                   "https://www.amap.com/?lng=121.46558&lat=31.189384"])  # fmt: skip
def test_every_amap_form_is_saved_and_shown_as_typed(gc_pm, point):
    page = save(gc_pm, point).text
    assert "签到地址已保存" in page
    assert '<td id="typed">121.465580, 31.189384</td>' in page  # as typed, GCJ-02
    assert "录入值（GCJ-02）" in page and "WGS-84（GPS, 保存值）" in page
    assert (
        'name="point" required autocomplete="off" placeholder="121.46558,31.189384" value="121.465580,31.189384"'
        in page
    )
    home = gc_pm.get("/projects/1").text
    assert '<span id="typed-point">121.465580, 31.189384</span>' in home


def test_latitude_first_is_swapped_and_said(gc_pm):
    page = save(gc_pm, "31.189384,121.46558").text
    assert "签到地址已保存" in page and "输入的是“纬度,经度”" in page
    assert '<td id="typed">121.465580, 31.189384</td>' in page


def test_beijing_asks_for_confirmation_with_the_input_kept(gc_pm):
    save(gc_pm, "121.46558,31.189384")
    asked = gc_pm.post(URL, data={**HOURS, "point": "116.397128,39.916527"})
    assert asked.status_code == 409
    assert "不在上海市范围内" in asked.text and "新签到点距原签到点" in asked.text
    assert 'value="116.397128,39.916527"' in asked.text and 'name="confirm" value="1"' in asked.text
    assert '<td id="typed">121.465580, 31.189384</td>' in asked.text  # nothing saved
    saved = save(gc_pm, "116.397128,39.916527", confirm="1").text
    assert "签到地址已保存" in saved and '<td id="typed">116.397128, 39.916527</td>' in saved


def test_a_move_over_1_km_asks_in_english_too(gc_pm):
    save(gc_pm, "121.46558,31.189384")
    asked = gc_pm.post(URL + "?lang=en", data={**HOURS, "point": "121.46558,31.21"})
    assert (
        asked.status_code == 409 and "more than 1 km" in asked.text and "Save anyway" in asked.text
    )


def test_unreadable_input_is_refused_and_kept(gc_pm):
    bad = gc_pm.post(URL, data={**HOURS, "point": "上海市徐汇区"})
    assert bad.status_code == 400 and "无法识别坐标" in bad.text
    assert 'value="上海市徐汇区" aria-invalid="true"' in bad.text


def test_both_hours_are_time_inputs(gc_pm):
    page = gc_pm.get(URL).text
    assert 'name="start" type="time"' in page and 'name="end" type="time"' in page


def test_the_api_takes_the_same_field_and_says_the_notes(gc_pm):
    r = gc_pm.post("/api/signin/projects/1/point", json={"point": "31.189384，121.46558"})
    assert r.status_code == 200 and r.json["typed"]["lng"] == 121.46558
    assert [n["code"] for n in r.json["notes"]] == ["swapped"]
    far = gc_pm.post("/api/signin/projects/1/point", json={"point": "lng=116.397128&lat=39.916527"})
    assert {n["code"] for n in far.json["notes"]} == {"outside_shanghai", "moved_far"}
    bad = gc_pm.post("/api/signin/projects/1/point", json={"point": "x"})
    assert bad.status_code == 400 and bad.json["field"] == "point"
