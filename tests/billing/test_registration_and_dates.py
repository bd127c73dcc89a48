"""Registration numbers (check digit) and due dates (payment terms, bank holidays)."""

from datetime import date

import pytest

from genba.billing.calendar import due_date, previous_bank_day
from genba.billing.registration import normalize_registration_number


@pytest.mark.parametrize(
    "raw",
    ["T7000012050002", "T1180301018771", "ｔ７０００－０１２０－５０００２", "T 7000 0120 50002"],
)
def test_valid_registration_numbers(raw):
    assert normalize_registration_number(raw) is not None


@pytest.mark.parametrize(
    "raw",
    ["T7000012050003", "7000012050002", "T700001205000", "T70000120500021", "X7000012050002", ""],
)
def test_invalid_registration_numbers(raw):
    assert normalize_registration_number(raw) is None


def test_due_date_is_the_end_of_the_month_after_issue():
    assert due_date(date(2026, 12, 7), terms="end_of_next_month", net_days=None) == date(
        2027, 1, 29
    )
    # 2027-01-31 is a Sunday and the 30th a Saturday: moved back to Friday the 29th.


def test_due_date_on_a_bank_business_day_stays():
    assert due_date(date(2027, 1, 15), terms="end_of_next_month", net_days=None) == date(
        2027, 2, 26
    )
    # February 2027 ends on Sunday the 28th: Friday the 26th.


def test_due_date_net_days():
    # 31 December is a bank holiday: the 30th.
    assert due_date(date(2026, 12, 1), terms="net_days", net_days=30) == date(2026, 12, 30)


def test_bank_holidays_move_back():
    assert previous_bank_day(date(2027, 1, 3)) == date(2026, 12, 30)  # year-end closure
    assert previous_bank_day(date(2027, 3, 22)) == date(2027, 3, 19)  # substitute holiday, Monday
    assert previous_bank_day(date(2026, 9, 22)) == date(2026, 9, 18)  # citizens' holiday week
