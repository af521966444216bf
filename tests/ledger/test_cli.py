"""`offset ledger` and `offset db` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from offset.cli.app import app
from offset.ledger import Ledger
from tests.ledger.conftest import ISSUE_LINES
from tests.pdfs import japanese_font_used, read_pdf

runner = CliRunner()


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_apply_balances_verify_and_friends(db_url: str, tmp_path: Path) -> None:
    ops = tmp_path / "ops.jsonl"
    ops.write_text("\n".join(json.dumps(line) for line in ISSUE_LINES) + "\n# a comment\n")
    base = ["ledger", "--db", db_url]
    assert runner.invoke(app, ["db", "upgrade", "--db", db_url]).exit_code == 0

    result = runner.invoke(app, [*base, "apply", str(ops)])
    assert result.exit_code == 0, result.output
    assert [line["status"] for line in _lines(result.output)] == ["ok"] * 6

    again = runner.invoke(
        app,
        [*base, "apply", "-"],
        input=json.dumps({**ISSUE_LINES[3], "quantity": 1}) + "\nnot json\n",
    )
    assert again.exit_code == 1
    assert [line["status"] for line in _lines(again.output)] == ["id_reused", "invalid_operation"]

    listed = json.loads(
        runner.invoke(app, [*base, "balances", "--json", "--account", "shinjuku/holding"]).output
    )
    assert listed == [
        {"account": "shinjuku/holding", "project": "ina-forest", "vintage": 2024, "quantity": 20}
    ]
    assert (
        runner.invoke(app, [*base, "balances", "--as-of", "1989-01-01", "--json"]).output.strip()
        == "[]"
    )
    verified = runner.invoke(app, [*base, "verify"])
    assert "ok:" in verified.output
    assert "head seq 14 hash" in verified.output  # the summary line
    assert "ok:" in runner.invoke(app, [*base, "verify", "--workers", "2"]).output
    assert runner.invoke(app, [*base, "verify", "--workers", "0"]).exit_code == 2  # at least 1
    history = json.loads(runner.invoke(app, [*base, "serial", "ina-forest", "2024", "3"]).output)
    assert history["holder"] == "shinjuku/retirement"
    statement = json.loads(
        runner.invoke(app, [*base, "statement", "shinjuku/holding", "--json"]).output
    )
    assert [row["balance_after"] for row in statement] == [50, 30, 20]
    page = tmp_path / "t3.html"
    assert runner.invoke(app, [*base, "certificate", "t3", "--out", str(page)]).exit_code == 0
    assert "Shinjuku City" in page.read_text()
    printed = tmp_path / "t3.pdf"
    made = runner.invoke(app, [*base, "certificate", "t3", "--pdf", "--out", str(printed)])
    assert made.exit_code == 0, made.output
    pdf = read_pdf(printed.read_bytes())
    assert len(pdf.pages) == 1
    assert "Shinjuku City" in pdf.text
    assert "Shinjuku City 様" in pdf.text  # the addressee; Japanese extracts as Japanese
    english = tmp_path / "t3-en.pdf"
    made = runner.invoke(app, [*base, "certificate", "t3", "--pdf", "--english", "--out",
                               str(english)])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Carbon Offset Certificate" in read_pdf(english.read_bytes()).text
    assert japanese_font_used(pdf)
    book = Ledger.open(db_url)
    retired = book.retirement("t3")
    book.engine.dispose()
    assert retired.hash in pdf.text.replace("\n", "")  # the entry verify checks
    assert runner.invoke(app, [*base, "certificate", "t2"]).exit_code == 1  # not a retirement
    impossible = runner.invoke(app, [*base, "certificate", "t3", "--out", "/proc/no/such.html"])
    assert impossible.exit_code == 2
    assert "Traceback" not in impossible.output
    assert (
        "Equity:Issuance:Ina-forest"
        in runner.invoke(app, [*base, "export", "--format", "beancount"]).output
    )
    assert runner.invoke(app, [*base, "export", "--format", "offsets-db"]).output.startswith(
        "project_id,"
    )


def test_atomic_apply_from_the_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    ops = tmp_path / "ops.jsonl"
    bad = {**ISSUE_LINES[3], "quantity": 10_000}
    ops.write_text("\n".join(json.dumps(line) for line in [*ISSUE_LINES[:3], bad]))
    result = runner.invoke(app, ["ledger", "--db", url, "apply", "--atomic", str(ops)])
    assert result.exit_code == 1
    assert [line["status"] for line in _lines(result.output)] == [
        "linked_failed",
        "linked_failed",
        "linked_failed",
        "insufficient_balance",
    ]
    assert (
        json.loads(runner.invoke(app, ["ledger", "--db", url, "balances", "--json"]).output) == []
    )


def test_every_line_gets_one_answer_whatever_it_holds(tmp_path: Path) -> None:
    """Lines that ended in tracebacks or wrong codes before: a raw U+2028 or NEL inside a JSON
    string (Python's `splitlines` cut the line there), a 5,000-digit quantity (past int()'s
    digit limit), JSON nested 100,000 deep (RecursionError), a line of 70 KB, NaN."""
    url = f"sqlite:///{tmp_path / 'a.db'}"
    transfer: dict[str, object] = {
        "op": "transfer",
        "from": "ina/holding",
        "to": "shinjuku/holding",
    }
    transfer |= {"project": "ina-forest", "vintage": 2024, "quantity": 1}
    lines = [
        *(json.dumps(line) for line in ISSUE_LINES[:3]),
        json.dumps({**transfer, "id": "m1", "memo": "a\u2028b"}, ensure_ascii=False),
        json.dumps({**transfer, "id": "m2", "memo": "a\u0085b"}, ensure_ascii=False),
        json.dumps({**transfer, "id": "m3"})[:-1] + ', "x": ' + "9" * 5000 + "}",
        '{"op": "transfer", "id": "m4", "quantity": ' + "9" * 5000 + "}",
        "[" * 100_000 + "]" * 100_000,
        json.dumps({**transfer, "id": "m5", "memo": "m" * 70_000}),
        '{"op": "transfer", "id": "m6", "quantity": NaN}',
        json.dumps({**transfer, "id": "m7"}),
    ]
    ops = tmp_path / "ops.jsonl"
    ops.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["ledger", "--db", url, "apply", str(ops)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert [(line["id"], line["status"]) for line in _lines(result.output)] == [
        ("ina/holding", "ok"),
        ("shinjuku/holding", "ok"),
        ("t1", "ok"),
        ("m1", "invalid_operation"),
        ("m2", "invalid_operation"),
        ("m3", "invalid_operation"),
        ("m4", "invalid_operation"),
        ("line 8", "too_large"),
        ("line 9", "too_large"),
        ("line 10", "invalid_operation"),
        ("m7", "ok"),
    ]
    issue = {**ISSUE_LINES[2], "id": "m8", "quantity": 1}
    line = json.dumps(issue).replace('"quantity": 1', '"quantity": ' + "9" * 5000)
    big = runner.invoke(app, ["ledger", "--db", url, "apply", "-"], input=line)
    assert _lines(big.output)[0]["status"] == "quantity_too_large"


def test_a_file_that_is_not_utf8_is_refused_whole(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    ops = tmp_path / "latin1.jsonl"
    good = json.dumps(ISSUE_LINES[0]).encode()
    ops.write_bytes(
        good
        + b"\n"
        + '{"op": "open_party", "party": "orleans", "name": "Orléans"}'.encode("latin-1")
    )
    result = runner.invoke(app, ["ledger", "--db", url, "apply", str(ops)])
    assert result.exit_code == 2
    assert f"{ops}: not UTF-8 (line 2, byte 0xE9 at column 54)" in result.output
    nothing = runner.invoke(app, ["ledger", "--db", url, "balances", "--json"])
    assert nothing.exit_code == 2  # nothing applied: not even an empty ledger was created
    assert "no ledger at" in nothing.output
    missing = runner.invoke(app, ["ledger", "--db", url, "apply", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2
    assert "No such file" in missing.output


def test_checkpoints_from_the_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    base = ["ledger", "--db", url]
    key = tmp_path / "registry.key"
    assert runner.invoke(app, [*base, "keygen", str(key)]).exit_code == 0
    assert (tmp_path / "registry.key.pub").exists()
    assert key.stat().st_mode & 0o077 == 0  # the private key is its owner's alone
    assert runner.invoke(app, [*base, "keygen", str(key)]).exit_code == 2  # never overwritten
    ops = tmp_path / "ops.jsonl"
    ops.write_text("\n".join(json.dumps(line) for line in ISSUE_LINES))
    runner.invoke(app, [*base, "apply", str(ops)])
    first = tmp_path / "cp1.json"
    made = runner.invoke(app, [*base, "checkpoint", "--key", str(key), "--out", str(first)])
    assert made.exit_code == 0, made.output
    statement = json.loads(first.read_text())["statement"]
    assert statement["seq"] == 14
    checked = runner.invoke(
        app, [*base, "verify", "--checkpoint", str(first), "--trust", str(key) + ".pub"]
    )
    assert checked.exit_code == 0, checked.output
    assert "1 checkpoint(s) hold" in checked.output
    other = tmp_path / "other.key"
    runner.invoke(app, [*base, "keygen", str(other)])
    wrong = runner.invoke(
        app, [*base, "verify", "--checkpoint", str(first), "--trust", str(other) + ".pub"]
    )
    assert wrong.exit_code == 2
    assert "signed by another key" in wrong.output
    forged = json.loads(first.read_text())
    forged["statement"]["seq"] = 13
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    bad = runner.invoke(app, [*base, "verify", "--checkpoint", str(tmp_path / "forged.json")])
    assert bad.exit_code == 2
    assert "the signature does not match" in bad.output
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    nothing = runner.invoke(app, ["ledger", "--db", empty, "checkpoint", "--key", str(key)])
    assert nothing.exit_code == 0  # the genesis entries are history too
    assert json.loads(nothing.output)["statement"]["seq"] == 2


def test_backup_of_a_live_ledger(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    ops = tmp_path / "ops.jsonl"
    ops.write_text("\n".join(json.dumps(line) for line in ISSUE_LINES))
    runner.invoke(app, ["ledger", "--db", url, "apply", str(ops)])
    copy = tmp_path / "copy.db"
    done = runner.invoke(app, ["ledger", "--db", url, "backup", str(copy)])
    assert done.exit_code == 0, done.output
    assert "verified" in done.output
    assert "head seq 14 hash" in done.output  # what it copied, to check a restored copy against
    balances = runner.invoke(app, ["ledger", "--db", f"sqlite:///{copy}", "balances", "--json"])
    assert json.loads(balances.output)[-1]["account"] == "shinjuku/retirement"
    again = runner.invoke(app, ["ledger", "--db", url, "backup", str(copy)])
    assert again.exit_code == 2
    assert "never overwrites" in again.output


def test_backup_on_postgresql_says_how(db_url: str, tmp_path: Path) -> None:
    if db_url.startswith("sqlite"):
        return
    done = runner.invoke(app, ["ledger", "--db", db_url, "backup", str(tmp_path / "x.db")])
    assert done.exit_code == 2
    assert "pg_dump" in done.output


def test_apply_a_retire_line_without_a_vintage_retires_by_total(db_url: str) -> None:
    """Held: 114 of FY2024 (after the buffer) and 5 of FY2023; 7 retired without a vintage
    = all 5 of FY2023, then 2 of FY2024, printed as the request's parts."""
    base = ["ledger", "--db", db_url]
    older = {**ISSUE_LINES[2], "id": "t0", "vintage": 2023, "quantity": 5, "buffer": 0}
    lines = [*ISSUE_LINES[:3], older]
    setup = runner.invoke(app, [*base, "apply", "-"], input="\n".join(map(json.dumps, lines)))
    assert setup.exit_code == 0, setup.output
    total = {"op": "retire", "id": "r", "from": "ina/holding", "project": "ina-forest",
             "quantity": 7, "beneficiary": "Ina City", "reason": "FY2024 offset"}  # fmt: skip
    done = runner.invoke(app, [*base, "apply", "-"], input=json.dumps(total))
    assert done.exit_code == 0, done.output
    (answer,) = _lines(done.output)
    assert answer["status"] == "ok"
    parts: list[dict[str, object]] = answer["parts"]  # type: ignore[assignment]
    assert [(p["id"], p["vintage"], p["quantity"]) for p in parts] == [
        ("r", 2023, 5),
        ("r.2", 2024, 2),
    ]
    refused = runner.invoke(
        app, [*base, "apply", "-"], input=json.dumps({**total, "id": "r2", "quantity": 113})
    )
    assert refused.exit_code == 1
    (answer,) = _lines(refused.output)
    assert answer["status"] == "insufficient_balance"
    assert "112 of ina-forest over all vintages, needs 113" in str(answer["message"])
