from datetime import datetime, timedelta

import pytest

from edgekit.errors import BadInput
from edgekit.logs.reader import parse_since

NOW = datetime(2025, 3, 10, 15, 30).astimezone()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", NOW.replace(hour=0, minute=0)),
        ("yesterday", NOW.replace(hour=0, minute=0) - timedelta(days=1)),
        ("-2h", NOW - timedelta(hours=2)),
        ("30 min ago", NOW - timedelta(minutes=30)),
        ("3 days ago", NOW - timedelta(days=3)),
        ("2025-03-09", datetime(2025, 3, 9).replace(tzinfo=NOW.tzinfo)),
        ("2025-03-09 14:05", datetime(2025, 3, 9, 14, 5).replace(tzinfo=NOW.tzinfo)),
    ],
)
def test_since(text, expected):
    assert parse_since(text, NOW) == expected


def test_a_since_that_is_not_a_time():
    with pytest.raises(BadInput) as caught:
        parse_since("last tuesday", NOW)
    assert caught.value.code == "bad_since"
