"""Reading a period from its code: only the years the platform can hold (2000–2100)."""

from datetime import date

import pytest

from village.indicators import periods


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2026-03", date(2026, 3, 1)),
        (" 2026-q2 ", date(2026, 4, 1)),
        ("2000-01", date(2000, 1, 1)),
        ("2100-12", date(2100, 12, 1)),
        ("2100-Q4", date(2100, 10, 1)),
    ],
)
def test_a_period_code_is_read_as_its_first_day(text, start):
    assert periods.parse_period(text) == start


@pytest.mark.parametrize(
    "text",
    [
        "1999-12",
        "1999-Q4",
        "2101-01",
        "2101-Q1",
        "9999-12",
        "9999-Q4",
        "0001-01",
        "2026-13",
        "2026-Q5",
        "",
        "x",
    ],
)
def test_a_period_outside_2000_to_2100_or_malformed_is_none(text):
    assert periods.parse_period(text) is None


def test_the_last_period_accepted_has_an_end():
    last = periods.parse_period("2100-Q4")
    assert periods.period_end(last, "quarterly") == date(2101, 1, 1)
    assert periods.period_end(periods.parse_period("2100-12"), "monthly") == date(2101, 1, 1)
