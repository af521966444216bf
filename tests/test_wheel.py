"""The built wheel carries the factor tables: an installed offset works outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from offset.factors import shipped_directory
from tests.conftest import EXAMPLES, REPOSITORY


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(REPOSITORY),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("offset-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_every_factor_table(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in shipped_directory().iterdir() if p.suffix in (".csv", ".toml")}
    assert {f"offset/_factors/{name}" for name in shipped} <= names


@pytest.mark.slow
def test_unpacked_wheel_runs_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = os.environ | {"PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "from offset.factors import shipped_directory as s; print(s())"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(site / "offset" / "_factors")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "offset",
            "calc",
            "solar",
            str(EXAMPLES / "solar_pv.csv"),
            "--fy",
            "2024",
            "--out",
            "r.csv",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (work / "r.csv").is_file()


@pytest.mark.slow
def test_unpacked_wheel_runs_a_scenario_with_its_report(wheel: Path, tmp_path: Path) -> None:
    """The report and dashboard templates and the migrations travel in the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "offset/documents/templates/report.html.j2" in names
    assert "offset/api/templates/base.html.j2" in names
    assert "offset/ledger/migrations/versions/0002_api_keys_and_run_records.py" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    scenario = REPOSITORY / "scenarios" / "company-schools-pv.toml"
    done = subprocess.run(
        [sys.executable, "-m", "offset", "run", str(scenario), "--out", str(tmp_path / "out")],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "report.html").is_file()
