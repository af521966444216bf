"""Hand-checked figures of three members: counted days x daily reduction, in whole grams."""

from __future__ import annotations

from pathlib import Path

from offset.programme.model import Programme
from offset.programme.run import load


def test_three_members_by_hand(programme_file: Path) -> None:
    run = load(Programme.from_toml(programme_file))
    lines = run.monitoring("fy2023").lines.set_index("member_id")
    # FY2023 runs 2023-04-01 to 2024-03-31: 366 days (February 2024 has 29).
    # M1: 5.0 kW x 1,000 kWh/kW x 0.99^1 (one whole year in service on 2023-04-01) x 0.30 x
    #     0.5 kg = 742.5 kg a year; a member all year (joined 2023-04-01, consented before):
    #     366 days x 742.5/366 kg = 742.5 kg = 742,500 g.
    assert lines.loc["M1", "days"] == 366
    assert lines.loc["M1", "reduction_g"] == 742_500
    # M2: 4.0 kW x 1,100 x 0.99^0 (commissioned 2023-06-01, in its first year) x 0.35 x 0.5 kg
    #     = 770 kg a year, 770/366 kg a day; counted from joining on 2023-07-01 to 2024-03-31:
    #     31+31+30+31+30+31+31+29+31 = 275 days; 275 x 770/366 = 578.5519 kg = 578,552 g.
    assert lines.loc["M2", "days"] == 275
    assert lines.loc["M2", "reduction_g"] == 578_552
    # M3: 6.0 kW x 1,000 x 0.99^1 (2021-10-01: one whole year on 2023-04-01) x 0.25 x 0.5 kg =
    #     742.5 kg a year; left on 2023-12-01 (its first day out): 2023-04-01 to 2023-11-30 =
    #     30+31+30+31+31+30+31+30 = 244 days; 244 x 742.5/366 = 495.0 kg = 495,000 g.
    assert lines.loc["M3", "days"] == 244
    assert lines.loc["M3", "reduction_g"] == 495_000
    assert abs(lines["daily_kg"]["M1"] - 742.5 / 366) < 1e-9
    # the period's total, and whole credits: 1,816,052 g = 1 credit, 816,052 g carried
    (verified,) = run.verified
    assert run.monitoring("fy2023").total_g == 742_500 + 578_552 + 495_000
    assert (verified.quantity, verified.carried_out_g) == (1, 816_052)
    # each line traces to its rows: the consent list's and the subsidy list's
    assert lines.loc["M2", "row"] == 3
    assert lines.loc["M2", "activity_row"] == 3


def test_a_member_counts_from_its_consent_when_later(tmp_path: Path) -> None:
    from tests.programme.conftest import CONSENTS, write_programme

    consents = CONSENTS.replace("M1,会員A,中央,令和5年3月15日", "M1,会員A,中央,令和5年4月11日")
    run = load(Programme.from_toml(write_programme(tmp_path, consents=consents)))
    lines = run.monitoring("fy2023").lines.set_index("member_id")
    # consented 2023-04-11, joined 2023-04-01: counted from the 11th, 366 - 10 = 356 days
    assert lines.loc["M1", "days"] == 356


def test_a_member_who_leaves_keeps_what_was_credited(tmp_path: Path) -> None:
    """M3 left in the first period: it counts there and not in the second."""
    from tests.programme.conftest import VERIFIED, write_programme

    second = VERIFIED + '\n[[periods]]\nname = "fy2024"\nstart = 2024-04-01\nend = 2025-03-31\n'
    run = load(Programme.from_toml(write_programme(tmp_path, verification=second)))
    first = run.monitoring("fy2023").lines.set_index("member_id")
    later = run.monitoring("fy2024").lines.set_index("member_id")
    assert first.loc["M3", "reduction_g"] == 495_000
    assert "M3" not in later.index
    assert later.loc["M1", "days"] == 365
    # the second period is not verified: no credits, the fraction stays carried
    assert run.verified[1].verified_g is None
    assert run.verified[1].quantity == 0
    assert run.verified[1].carried_out_g == 816_052
