"""Ages and the guardian rule shared by intake and later edits: plain functions, no database."""

from __future__ import annotations

import datetime as dt

from athletes.ages import age_on, guardian_missing, is_under_18

DAY = dt.date(2026, 11, 20)
TEEN = dt.date(2010, 6, 1)  # 16 on DAY
ADULT = dt.date(2000, 6, 1)
FULL = {"guardian_name": "Ruth Quinn", "guardian_phone": "+44 20 7946 0000"}


def test_age_in_whole_years():
    assert age_on(dt.date(2008, 11, 21), DAY) == 17  # the 18th birthday is tomorrow
    assert age_on(dt.date(2008, 11, 20), DAY) == 18
    assert age_on(None, DAY) is None
    assert is_under_18(TEEN, DAY) and not is_under_18(ADULT, DAY) and not is_under_18(None, DAY)


def test_an_adolescent_needs_a_name_and_a_phone_or_an_e_mail():
    assert guardian_missing(TEEN, DAY, FULL) == {}
    assert guardian_missing(TEEN, DAY, {"guardian_name": "R", "guardian_email": "r@x.org"}) == {}
    assert guardian_missing(TEEN, DAY, {}) == {
        "guardian_name": "Required for an athlete under 18.",
        "guardian_phone": "A phone number or an e-mail for the guardian.",
    }
    blanks = {"guardian_name": "  ", "guardian_phone": "", "guardian_email": None}
    assert set(guardian_missing(TEEN, DAY, blanks)) == {"guardian_name", "guardian_phone"}
    assert set(guardian_missing(TEEN, DAY, {**FULL, "guardian_phone": " "})) == {"guardian_phone"}
    assert set(guardian_missing(TEEN, DAY, {**FULL, "guardian_name": ""})) == {"guardian_name"}


def test_an_adult_or_an_unknown_age_needs_none():
    assert guardian_missing(ADULT, DAY, {}) == {}
    assert guardian_missing(None, DAY, {}) == {}
    assert guardian_missing(dt.date(2008, 11, 20), DAY, {}) == {}  # 18 today
