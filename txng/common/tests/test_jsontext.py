"""JSON text written by orjson reads back as json.dumps's would, and what orjson refuses or
writes its own way goes the standard library's way."""

import datetime
import json

import pytest

from txng.common import jsontext


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, -0.0, 1e16, 0.1, True, None, "Hà Nội 🌿"]},
        {"big": 2**70 + 1, "small": -(2**70)},  # beyond 64 bits: json.dumps writes it
        [{"nested": {"x": "\\u0000 as text"}}],
    ],
)
def test_written_text_reads_back_as_the_value(value):
    assert json.loads(jsontext.dumps(value)) == value


def test_a_big_integer_keeps_every_digit_and_vietnamese_stays_readable():
    text = jsontext.dumps({"n": 2**70 + 1, "t": "Hà"})
    assert str(2**70 + 1) in text and "Hà" in text


def test_a_date_is_refused_as_json_dumps_refuses_it():
    with pytest.raises(TypeError):
        jsontext.dumps({"at": datetime.date(2026, 12, 6)})
