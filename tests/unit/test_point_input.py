"""The sign-in point as typed: every form AMap's picker and share links give."""

import pytest

from domain.errors import InvalidInput
from domain.signin.coords import Point
from domain.signin.point_input import in_shanghai, metres_between, parse_point, point_notes

LNG, LAT = 121.46558, 31.189384


@pytest.mark.parametrize(
    "raw",
    [
        "121.46558,31.189384",  # the picker
        "121.46558，31.189384",  # full-width comma
        " 121.46558 , 31.189384 ",
        "121.46558 31.189384",  # a space
        "121.46558、31.189384",
        "https://uri.amap.com/marker?position=121.46558,31.189384&name=x",
        "https://uri.amap.com/marker?position=121.46558%2C31.189384",
        "https://www.amap.com/?lng=121.46558&lat=31.189384",
        "https://ditu.amap.com/regeo?lat=31.189384&lng=121.46558&name=x",
        "121.46558&lat=31.189384",  # the manual's tail of the share URL
        "lng=121.46558＆lat=31.189384",  # full-width ampersand
    ],
)
def test_each_form_reads_as_lng_lat(raw):
    typed = parse_point(raw)
    assert (typed.lng, typed.lat, typed.swapped) == (LNG, LAT, False)


@pytest.mark.parametrize("raw", ["31.189384,121.46558", "31.189384，121.46558",
                                 "…?position=31.189384,121.46558"])  # fmt: skip
def test_latitude_first_in_china_is_swapped_and_said(raw):
    typed = parse_point(raw)
    assert (typed.lng, typed.lat, typed.swapped) == (LNG, LAT, True)
    notes = point_notes(typed, Point(LAT, LNG), None)
    assert [n.code for n in notes] == ["swapped"] and not notes[0].needs_confirm
    assert "已按“经度 121.465580，纬度 31.189384”识别" in notes[0].message()


@pytest.mark.parametrize("raw", ["", "  ", "121.46558", "abc,def", "121.4;", "1,2,3",
                                 "200.1,31.2", "121.4,95.0", "http://x/?lng=121.4"])  # fmt: skip
def test_unreadable_input_is_refused_naming_the_field(raw):
    with pytest.raises(InvalidInput) as err:
        parse_point(raw, field="point")
    assert err.value.field == "point" and err.value.reason == "invalid_coordinates"
    assert "经度,纬度" in err.value.message() and "longitude,latitude" in err.value.message("en")


def test_outside_shanghai_and_a_far_move_are_warned_not_refused():
    beijing = parse_point("116.397128,39.916527")
    assert not beijing.swapped and not in_shanghai(beijing.lng, beijing.lat)
    notes = point_notes(beijing, Point(beijing.lat, beijing.lng), None)
    assert [n.code for n in notes] == ["outside_shanghai"] and notes[0].needs_confirm
    assert "不在上海市范围内" in notes.message() and "outside Shanghai" in notes.message("en")
    here, near, far = Point(31.2304, 121.4737), Point(31.2354, 121.4737), Point(31.25, 121.4737)
    assert 550 < metres_between(here, near) < 560
    typed = parse_point("121.4737,31.25")
    assert point_notes(parse_point("121.4737,31.2354"), near, here) == ()
    moved = point_notes(typed, far, here)
    assert [n.code for n in moved] == ["moved_far"] and "2179 米" in moved.message()
