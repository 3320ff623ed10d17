import json

from local.invoke import render_event


def test_placeholders_are_filled_and_escaped_for_json():
    event, missing = render_event('{"a": "${KEY}", "b": "x-${ID}", "stage": "$default"}', {"KEY": 'q"1', "ID": "7"})
    assert event == {"a": 'q"1', "b": "x-7", "stage": "$default"}
    assert missing == []


def test_unfilled_placeholders_are_reported():
    event, missing = render_event(json.dumps({"a": "${SOURCE_ID}"}), {})
    assert (event, missing) == ({"a": "${SOURCE_ID}"}, ["SOURCE_ID"])
