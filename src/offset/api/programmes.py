"""The programme-type projects `offset serve --programme FILE` serves (`/api/v1/programmes`):
their operator and the registry read them (`offset.programme.reads`); anyone else gets 404.

Each programme is read, checked and computed on its first request and kept (its files are the
office's lists as of the server's start; restart the server after changing them).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from offset.api.answers import (
    ProgrammeMemberOut,
    ProgrammeOut,
    ProgrammePeriodOut,
    ProgrammeReportOut,
)
from offset.api.downloads import XLSX
from offset.api.errors import ERRORS, ApiError
from offset.api.routes import Book, Me
from offset.common.problems import InputError
from offset.documents import monitoring_report
from offset.ledger import visibility
from offset.programme import reads
from offset.programme.model import Programme
from offset.programme.run import Run, load

NamePath = Annotated[str, PathParam(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]
PeriodPath = Annotated[str, PathParam(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]


class Programmes:
    """The served programmes by name, each computed once, on first use."""

    def __init__(self, paths: Sequence[Path] = ()) -> None:
        self.files = {Programme.from_toml(p).name: Path(p) for p in paths}
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()

    def run(self, name: str) -> Run:
        if name not in self.files:
            raise visibility.NotVisible(name)
        with self._lock:
            if name not in self._runs:
                self._runs[name] = load(Programme.from_toml(self.files[name]))
            return self._runs[name]


router = APIRouter(prefix="/api/v1/programmes", responses=ERRORS, tags=["programmes"])


def _run(request: Request, name: str) -> Run:
    served: Programmes = request.app.state.programmes
    try:
        return served.run(name)
    except visibility.NotVisible as e:
        raise ApiError(404, "not_found", "no such resource among yours") from e
    except InputError as e:  # the office's lists changed under the server
        raise ApiError(409, "programme_invalid", str(e.problems[0])) from e


def _visible(read: Any) -> Any:
    try:
        return read()
    except visibility.NotVisible as e:
        raise ApiError(404, "not_found", "no such resource among yours") from e


@router.get("", response_model=list[ProgrammeOut])
def programmes(request: Request, who: Me) -> list[dict[str, Any]]:
    """The programmes you operate (the registry: every one served)."""
    served: Programmes = request.app.state.programmes
    found = []
    for name in sorted(served.files):
        try:
            found.append(reads.summary(served.run(name), who))
        except (visibility.NotVisible, InputError):
            continue
    return found


@router.get("/{name}/members", response_model=list[ProgrammeMemberOut])
def members(request: Request, who: Me, name: NamePath) -> list[dict[str, Any]]:
    """Your programme's members: activity, consent, join and leave days, whether each counts."""
    run = _run(request, name)
    result: list[dict[str, Any]] = _visible(lambda: reads.members(run, who))
    return result


@router.get("/{name}/periods", response_model=list[ProgrammePeriodOut])
def periods(request: Request, book: Book, who: Me, name: NamePath) -> list[dict[str, Any]]:
    """Your programme's monitoring periods: monitored, verified, credits, issued (the ledger)."""
    run = _run(request, name)
    result: list[dict[str, Any]] = _visible(lambda: reads.periods(run, book, who))
    return result


@router.get("/{name}/periods/{period}/report", response_model=ProgrammeReportOut)
def report(
    request: Request, book: Book, who: Me, name: NamePath, period: PeriodPath
) -> dict[str, Any]:
    """A period's monitoring report figures: per member and FY, days x daily reduction."""
    run = _run(request, name)
    result: dict[str, Any] = _visible(lambda: reads.report(run, book, who, period))
    return result


@router.get(
    "/{name}/periods/{period}/report.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "the モニタリング報告書 draft"}},
)
def report_workbook(
    request: Request, book: Book, who: Me, name: NamePath, period: PeriodPath
) -> Response:
    """A period's モニタリング報告書 draft as an Excel workbook (Japanese), as
    `offset programme report` writes it: its credit figures read from the ledger."""
    run = _run(request, name)
    _visible(lambda: reads.check_period(run, who, period))
    body = monitoring_report.workbook_bytes(monitoring_report.from_ledger(run, period, book))
    filename = quote(f"{name}-{period}-monitoring-report.xlsx")
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"}
    return Response(body, media_type=XLSX, headers=headers)
