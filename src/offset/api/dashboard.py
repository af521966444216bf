"""The dashboard: server-rendered pages over the same reads as the API (no JS build): what a
party may see is the library's (`offset.ledger.visibility`, `offset.scenario.run_records`), the
figures beside the rows are `offset.documents.panels`; the pages render.

Signing in stores the API key in an HttpOnly, SameSite=Strict cookie. The pages here only read;
the actions (`offset.api.actions`) change the ledger through forms that pass a CSRF check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from offset.api import csrf, downloads, views
from offset.api.keys import Caller, authenticate
from offset.api.labels import KINDS, LABELS, LANGUAGES, RESULTS
from offset.api.routes import ledger
from offset.common import memos, messages
from offset.common.messages import Lang, lang_of, spaced
from offset.documents import panels
from offset.documents.certificate import (
    certificate_filename,
    certificate_page,
    certificate_pdf,
)
from offset.documents.figures import formatter
from offset.documents.terms import value_term
from offset.ledger import proof, uses, visibility
from offset.ledger.planning import FINAL_KINDS
from offset.ledger.proof import Unverified
from offset.ledger.rows import BalanceLine
from offset.ledger.titles import ProjectTitle, title_of, titles_on
from offset.scenario import run_records

JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
COOKIE = csrf.SESSION_COOKIE
LANG_COOKIE = "offset_lang"
router = APIRouter(include_in_schema=False)
templates = Environment(
    loader=PackageLoader("offset.api", "templates"), autoescape=select_autoescape(["html", "j2"])
)
# figures as every other output shows them (`offset.documents.figures`)
templates.filters["credits"] = formatter("credits")
templates.filters["tonnes1"] = formatter("tonnes1")


@pass_context
def _fiscal_year(context: Context, value: object) -> str:
    """A fiscal year or vintage in the page's language: FY2024, 2024年度."""
    return str(context["t"]["fy_of"]).format(fy=value)


templates.filters["fy"] = _fiscal_year
# a label's fields filled in, spaced as Japanese needs (`messages.spaced`; English unchanged)
templates.globals["fill"] = spaced


def _language(request: Request, who: Caller | None) -> Lang:
    """The switch (?lang, then its cookie), else the party's language, else the browser's."""
    for chosen in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if chosen in LANGUAGES and (lang := lang_of(chosen)) is not None:
            return lang
    if who is not None and party_is_japanese(who):
        return "ja"
    return browser_language(request.headers.get("accept-language", ""))


def party_is_japanese(who: Caller) -> bool:
    """Municipalities and prefectures are Japanese public bodies; any party named in Japanese
    script (松本市, 信濃精機株式会社) reads Japanese too."""
    return (
        who.kind in ("municipality", "prefecture") or JAPANESE_SCRIPT.search(who.name) is not None
    )


def browser_language(header: str) -> Lang:
    """The first of our languages in an Accept-Language header, by its q weight; else en."""
    ranked: list[tuple[float, int, Lang]] = []
    for position, part in enumerate(header[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if weight > 0 and (language := lang_of(tag)) is not None:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else "en"


def _credit_type(methodology: str | None, lang: Lang) -> str:
    """A methodology with its credit type in words: EN-R-002 (再生可能エネルギー(電力)由来)."""
    if not methodology:
        return "—"
    kind = uses.credit_type(methodology)
    return f"{methodology} ({kind.name(lang)})" if kind else methodology


def _projects(request: Request) -> Callable[[str], ProjectTitle]:
    """A project's title by its key, the stored titles read once per page, when first asked."""
    read: list[dict[str, ProjectTitle]] = []

    def title(key: str) -> ProjectTitle:
        if not read:
            read.append(titles_on(ledger(request).engine))
        return title_of(read[0], key)

    return title


def project_cell(title: ProjectTitle) -> Markup:
    """A project as a page prints it: its title, its key on a detail line below."""
    if not title.title:
        return escape(title.name)
    return Markup(f'{escape(title.title)}<br><span class="key">{escape(title.name)}</span>')


def _memo(stored: str | None, lang: Lang) -> str | None:
    """A memo in the reader's words: offset's own from the catalogue, a method by its name."""
    if not stored:
        return stored
    return memos.text(stored, lang, lambda m: value_term("method", m, lang))


def _purpose_names(lang: Lang) -> dict[str, str]:
    """Each retirement purpose's name (J-Credit's 用途), by its code."""
    return {code: p.name(lang) for code, p in uses.purposes().items()}


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    who = values.get("who")
    project = _projects(request)
    lang = _language(request, who if isinstance(who, Caller) else None)
    html = templates.get_template(template).render(
        t=LABELS[lang],
        results=RESULTS[lang],
        kinds=KINDS[lang],
        lang=lang,
        # offset's own memos in the reader's words, a method by its name
        memo=lambda stored: _memo(stored, lang),
        method_name=lambda method: value_term("method", method, lang) if method else "—",
        credit_type=lambda methodology: _credit_type(methodology, lang),
        project=lambda key: project_cell(project(key)),  # its title, the key below
        project_title=lambda key: project(key).shown,  # where only text fits (an <option>)
        path=request.url.path,
        csrf=lambda: csrf.token(request.scope),
        **values,
    )
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, samesite="strict", max_age=365 * 86400)
    return response


def _caller(request: Request) -> Caller | None:
    key = request.cookies.get(COOKIE)
    return authenticate(ledger(request).engine, key) if key else None


def signed_in(request: Request) -> Caller:
    who = _caller(request)
    if who is None:
        raise SignInRequired()
    return who


class SignInRequired(Exception):
    """Not signed in (or the key was revoked): back to the sign-in page."""


def sign_in_redirect(_: Request, __: Exception) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
def home(request: Request) -> Response:
    if _caller(request) is not None:
        return RedirectResponse("/dashboard", status_code=303)
    return page(request, "signin.html.j2")


@router.post("/signin")
def sign_in(request: Request, key: Annotated[str, Form(max_length=200)] = "") -> Response:
    if authenticate(ledger(request).engine, key.strip()) is None:
        return page(request, "signin.html.j2", status_code=401, error=True)
    response = RedirectResponse("/dashboard", status_code=303)
    response.set_cookie(COOKIE, key.strip(), httponly=True, samesite="strict")
    return response


@router.post("/signout")
def sign_out() -> Response:
    """A form (POST), so that another site cannot sign a party out with a link."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response


Format = Annotated[str | None, Query(alias="format", max_length=8)]


def _file(
    request: Request,
    who: Caller,
    rows: Iterable[Any],
    name: str,
    fmt: str,
    transaction_kinds: bool = False,
) -> Response:
    """A table page's rows as a download in the page's language (headers, transaction kinds,
    methods), or 400 for a format the pages do not offer."""
    lang = _language(request, who)
    frame = downloads.frame_of(rows)
    if "project" in frame:  # its title and creating place first, the key after them
        titles = titles_on(ledger(request).engine)
        found = frame["project"].map(lambda key: title_of(titles, key))
        at = list(frame.columns).index("project")
        frame.insert(at, "creating_place", found.map(lambda t: t.place_name))
        frame.insert(at, "project_title", found.map(lambda t: t.shown))
    if "method" in frame:
        frame["method"] = frame["method"].map(lambda m: value_term("method", m, lang))
    if transaction_kinds and "kind" in frame:
        frame["kind"] = frame["kind"].map(lambda k: KINDS[lang].get(k, k))
    if "memo" in frame:  # offset's own memos in the reader's words, as the page shows them
        frame["memo"] = frame["memo"].map(lambda stored: _memo(stored, lang))
    if "purpose" in frame:  # a purpose by its name, as the page shows it
        names = _purpose_names(lang)
        frame["purpose"] = frame["purpose"].map(lambda code: names.get(code, code))
    try:
        return downloads.download(frame, name, fmt, lang)
    except downloads.UnknownFormat as e:
        return PlainTextResponse(str(e), status_code=400)


@router.get("/dashboard", response_model=None)
def balances(request: Request, fmt: Format = None) -> Response:
    who = signed_in(request)
    book = ledger(request)
    rows = visibility.balances(book, who)
    try:  # balances are shown only when they are what the verified entries left
        proof.require_balances(book.engine, rows)
    except proof.Unverified as e:
        message = messages.text(e.message, _language(request, who))
        return page(request, "unverified.html.j2", status_code=409, who=who, message=message)
    if fmt is not None:
        return _file(request, who, rows, "balances", fmt)
    accounts = visibility.accounts(book, who)
    kind = {a.id: a.kind for a in accounts}
    by_instrument: dict[str, list[BalanceLine]] = defaultdict(list)
    for row in rows:
        by_instrument[row.instrument].append(row)
    return page(
        request,
        "balances.html.j2",
        who=who,
        groups=dict(sorted(by_instrument.items())),
        # What the party still holds: retired and cancelled credits are spent.
        total=sum(r.quantity for r in rows if kind[r.account] not in FINAL_KINDS),
        accounts=accounts,
    )


@router.get("/dashboard/statement/{account:path}", response_model=None)
def statement(
    request: Request,
    account: str,
    fmt: Format = None,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    table: Annotated[Literal["lines", "balances"], Query()] = "lines",
) -> Response:
    """An account's postings over a period (all of them without one), with each class's
    opening balance, what came in and went out, and its closing balance; as a file, the lines
    or (`table=balances`) those balances."""
    who = signed_in(request)
    try:
        lines = visibility.statement(ledger(request), who, account, start, end)
        held = visibility.period_balances(ledger(request), who, account, start, end)
    except visibility.NotVisible:
        return page_missing(request, who)
    try:  # a statement is printed only when its entries verify
        proof.require_statement(ledger(request).engine, account, lines, held)
    except proof.Unverified as e:
        message = messages.text(e.message, _language(request, who))
        return page(request, "unverified.html.j2", status_code=409, who=who, message=message)
    if fmt is not None:
        name = "statement-" + account.replace("/", "-")
        if table == "balances":  # the figures, not which entries they were read from
            figures = ({k: v for k, v in asdict(b).items() if k != "seqs"} for b in held)
            return _file(request, who, figures, name + "-balances", fmt)
        return _file(request, who, lines, name, fmt, transaction_kinds=True)
    names = _purpose_names(_language(request, who))
    period = {k: v.isoformat() for k, v in (("from", start), ("to", end)) if v is not None}
    return page(
        request, "statement.html.j2", who=who, account=account, lines=lines, held=held,
        purpose_names=names, period=period, query=urlencode(period),
    )  # fmt: skip


@router.get("/dashboard/retirements", response_model=None)
def retirements(request: Request, fmt: Format = None) -> Response:
    who = signed_in(request)
    seen = visibility.retirements(ledger(request), who)
    try:  # a list of retirements is printed only when its entries verify
        proof.require_retirements(ledger(request).engine, (s.retirement for s in seen))
    except proof.Unverified as e:
        message = messages.text(e.message, _language(request, who))
        return page(request, "unverified.html.j2", status_code=409, who=who, message=message)
    rows = [views.retirement(r) for r in seen]
    if fmt is not None:
        return _file(request, who, map(views.retirement_download, rows), "retirements", fmt)
    names = _purpose_names(_language(request, who))
    return page(request, "retirements.html.j2", who=who, rows=rows, purpose_names=names)


@router.get("/dashboard/certificates/{tx_id}", response_model=None)
def certificate(
    request: Request,
    tx_id: str,
    fmt: Format = None,
    version: Annotated[str | None, Query(max_length=2)] = None,
) -> Response:
    """The certificate as its printable page, or `?format=pdf`; in Japanese, or in English with
    `?version=en`."""
    who = signed_in(request)
    if fmt not in (None, "pdf"):
        return PlainTextResponse(f"format {fmt!r}: choose pdf", status_code=400)
    try:
        found = visibility.retirement(ledger(request), who, tx_id)
    except visibility.NotVisible:
        return page_missing(request, who)
    lang: Literal["ja", "en"] = "en" if version == "en" else "ja"
    base = str(request.base_url).rstrip("/")
    shown = visibility.sees_source(who, found)
    try:
        if fmt is None:
            page_ = certificate_page(ledger(request), found.id, lang, base, source_shown=shown)
            return HTMLResponse(page_)
        printed = certificate_pdf(ledger(request), found.id, lang, base, source_shown=shown)
    except Unverified as e:  # a ledger edited by hand: the certificate is not printed
        message = messages.text(e.message, _language(request, who))
        return page(request, "unverified.html.j2", status_code=409, who=who, message=message)
    name = certificate_filename(tx_id, ".pdf")
    return Response(
        printed,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


def page_missing(request: Request, who: Caller) -> HTMLResponse:
    return page(request, "missing.html.j2", status_code=404, who=who)


@router.get("/dashboard/agreements")
def agreements(request: Request) -> HTMLResponse:
    who = signed_in(request)
    lang = _language(request, who)
    try:  # what an agreement delivered is shown only when its entries verify
        seen = run_records.agreements(ledger(request).engine, who)
    except proof.Unverified as e:
        message = messages.text(e.message, lang)
        return page(request, "unverified.html.j2", status_code=409, who=who, message=message)
    found = titles_on(ledger(request).engine, {p for a in seen for p in a.projects})
    items = [views.agreement(a, found) for a in seen]
    parties = {p for item in items for p in (item["provider"], item["beneficiary"])}
    names = visibility.party_names(ledger(request), parties)
    for item in items:
        # The ledger's view: what was committed, delivered and retired against it.
        item["chart"] = panels.agreement_years(item["ledger"], item["name"], lang)
        item["sentence"] = views.agreement_sentence(item, names, LABELS[lang])
    return page(request, "agreements.html.j2", who=who, items=items)


@router.get("/dashboard/reductions", response_model=None)
def reductions(request: Request, fmt: Format = None) -> Response:
    who = signed_in(request)
    found = run_records.reductions(ledger(request).engine, who)
    rows = [views.reduction(r) for r in found]
    if fmt is not None:  # grouped by the municipality's code, named by its official name
        names = run_records.municipality_names(
            ledger(request).engine, (r["municipality"] for r in rows)
        )
        named = [{**r, "municipality_name": names[r["municipality"]]} for r in rows]
        return _file(request, who, named, "reductions", fmt)
    shown = panels.reductions_by_method(rows, _language(request, who))
    return page(
        request,
        "reductions.html.j2",
        who=who,
        years=shown.years,
        pivot=shown.rows,
        chart=shown.chart,
        empty=shown.empty,
    )


@router.get("/dashboard/origins", response_model=None)
def origins(request: Request, fmt: Format = None) -> Response:
    """Where each holding comes from: project, issuer, methodology, serials, input data hash."""
    who = signed_in(request)
    rows = [views.origin(o) for o in visibility.origins(ledger(request), who)]
    if fmt is not None:
        flat = [
            {k: v for k, v in row.items() if k != "issuances"}
            | {"issuers": ", ".join(sorted({i["issuer"] for i in row["issuances"]}))}
            for row in rows
        ]
        return _file(request, who, flat, "origins", fmt)
    return page(request, "origins.html.j2", who=who, rows=rows, shown=SERIAL_RANGES_SHOWN)


SERIAL_RANGES_SHOWN = 20


@router.get("/dashboard/serials/{project}/{vintage}/{serial}")
def serial(
    request: Request,
    project: Annotated[str, Path(max_length=100)],
    vintage: Annotated[int, Path(ge=1990, le=2100)],
    serial: Annotated[int, Path(ge=0, le=10**15)],
) -> Response:
    """One credit's history, as the API's /serials shows it to the same caller."""
    who = signed_in(request)
    try:
        found = views.serial(visibility.serial(ledger(request), who, project, vintage, serial))
    except visibility.NotVisible:
        return page_missing(request, who)
    return page(request, "serial.html.j2", who=who, found=found)
