"""The webhooks' pure rules: back-off, giving up, disabling, which addresses are public."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.webhooks import policy
from monitoring.webhooks.addresses import is_public

NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


def test_back_off_grows_fourfold_and_stops_at_six_hours():
    middle = [policy.backoff_seconds(n) for n in range(1, policy.MAX_ATTEMPTS)]
    assert middle == [30, 120, 480, 1920, 7680, 21600, 21600]


@pytest.mark.parametrize("rand", [0.0, 0.25, 0.999])
def test_jitter_stays_within_a_fifth(rand):
    for n in range(1, policy.MAX_ATTEMPTS):
        base = min(30 * 4 ** (n - 1), 6 * 3600)
        assert 0.8 * base <= policy.backoff_seconds(n, rand=rand) <= 1.2 * base


def test_eight_attempts_then_none():
    assert [policy.should_retry(n) for n in (1, 7, 8)] == [True, True, False]
    with pytest.raises(ValueError):
        policy.backoff_seconds(0)


def test_disabled_after_ten_failures_in_a_row_or_a_day_of_failing():
    rule = {"now": NOW, "max_failures": 10, "max_hours": 24}
    assert policy.disable_reason(consecutive_failures=9, failing_since=None, **rule) is None
    assert "10 deliveries" in policy.disable_reason(
        consecutive_failures=10, failing_since=None, **rule
    )
    day = NOW - dt.timedelta(hours=24)
    assert policy.disable_reason(consecutive_failures=0, failing_since=day, **rule)
    assert not policy.disable_reason(
        consecutive_failures=0, failing_since=day + dt.timedelta(minutes=1), **rule
    )


def test_only_2xx_is_success():
    assert [policy.is_success(c) for c in (200, 204, 301, 404, 500, None)] == [
        True, True, False, False, False, False,
    ]  # fmt: skip


@pytest.mark.parametrize(
    "address,public",
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 (an address judged, not bound)
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_public_addresses(address, public):
    assert is_public(address) is public
