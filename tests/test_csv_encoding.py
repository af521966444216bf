"""CSV files that open right in Japanese Excel (issue 15 item): UTF-8 with a BOM by default,
`--csv-encoding utf-8` or `cp932` on request, and a character CP932 cannot hold answered, not a
traceback or a file with question marks."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from tests.conftest import REPOSITORY

runner = CliRunner()
BOM = b"\xef\xbb\xbf"
PV = (
    "system_id,municipality,prefecture,capacity_kw,commissioned,self_consumption_ratio\n"
    "pv-1,{town},nagano,4.5,2019-06-15,0.3\n"
)


def _calc(tmp_path: Path, town: str, *options: str) -> tuple[int, str, Path]:
    data = tmp_path / "pv.csv"
    data.write_text(PV.format(town=town), encoding="utf-8")
    target = tmp_path / "out.csv"
    done = runner.invoke(
        app, ["calc", "solar", str(data), "--fy", "2024", "--out", str(target), *options]
    )
    return done.exit_code, done.output, target


def test_calc_writes_utf8_with_a_bom_by_default(tmp_path: Path) -> None:
    code, output, target = _calc(tmp_path, "伊那市")
    assert code == 0, output
    raw = target.read_bytes()
    assert raw.startswith(BOM)
    assert "伊那市" in raw.decode("utf-8-sig")


def test_plain_utf8_and_cp932_on_request(tmp_path: Path) -> None:
    code, output, target = _calc(tmp_path, "伊那市", "--csv-encoding", "utf-8")
    assert code == 0, output
    assert not target.read_bytes().startswith(BOM)
    code, output, target = _calc(tmp_path, "伊那市", "--csv-encoding", "Shift_JIS")
    assert code == 0, output
    assert "伊那市" in target.read_bytes().decode("cp932")


def test_a_character_cp932_cannot_hold_is_answered_and_nothing_written(tmp_path: Path) -> None:
    code, output, target = _calc(tmp_path, "伊那市🌲", "--csv-encoding", "cp932")
    assert code == 2
    assert "cannot be written in cp932" in output
    assert "utf-8-sig" in output
    assert not target.exists()
    code, output, _ = _calc(tmp_path, "伊那市", "--csv-encoding", "latin-1")
    assert code == 2
    assert "unknown encoding" in output


def test_run_tables_carry_the_bom(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = runner.invoke(
        app,
        ["run", str(REPOSITORY / "scenarios" / "shinjuku-ina.toml"), "--out", str(out), "--no-pdf"],
    )
    assert done.exit_code == 0, done.output
    for table in (out / "tables").glob("*.csv"):
        assert table.read_bytes().startswith(BOM), table.name
    shift_jis = tmp_path / "sjis"
    done = runner.invoke(
        app,
        [
            "run",
            str(REPOSITORY / "scenarios" / "shinjuku-ina.toml"),
            "--out",
            str(shift_jis),
            "--csv-encoding",
            "cp932",
            "--no-pdf",
        ],
    )
    assert done.exit_code == 0, done.output
    balances = (shift_jis / "tables" / "balances.csv").read_bytes()
    assert not balances.startswith(BOM)
    balances.decode("cp932")  # strict: every byte is Shift_JIS
