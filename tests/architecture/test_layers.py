"""The packages form one flow and no import runs back up it (issue 26): each package's
docstring says what it may import, and this test holds every module to the same table."""

from __future__ import annotations

import ast
from pathlib import Path

import offset

SRC = Path(offset.__file__).parent

# The flow, lowest first: what each top-level package (or module) may import of offset.
BELOW: dict[str, set[str]] = {
    "units": set(),
    "common": {"units"},
    "factors": {"common", "units"},
    "intake": {"common", "units", "factors"},
    "methods": {"common", "units", "factors", "intake"},
    "ledger": {"common", "units"},
    "scenario": {"common", "units", "factors", "intake", "methods", "ledger"},
}
BELOW["programme"] = BELOW["scenario"] | {"scenario"}
BELOW["documents"] = BELOW["programme"] | {"programme"}
BELOW["jobs"] = BELOW["documents"] | {"documents"}
BELOW["api"] = BELOW["jobs"] | {"jobs"}
BELOW["cli"] = BELOW["api"] | {"api"}
TOP_LEVEL_MODULES = {"__init__.py", "__main__.py", "units.py"}


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level offset package) of every import in a module, nested ones included."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("offset"):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.append((node.lineno, parts[1]))
            else:
                found += [(node.lineno, a.name) for a in node.names if a.name != "__version__"]
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, a.name.split(".")[1])
                for a in node.names
                if a.name.startswith("offset.")
            ]
    return found


def test_no_import_runs_back_up() -> None:
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        home = path.relative_to(SRC).parts[0].removesuffix(".py")
        if home in ("__init__", "__main__"):
            continue
        assert home in BELOW, f"{home}: a new package needs its place in the flow here"
        for line, used in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            if used != home and used not in BELOW[home]:
                wrong.append(f"{path.relative_to(SRC)}:{line}: {home} imports {used}")
    assert wrong == []


def test_a_mutation_of_the_flow_is_caught() -> None:
    """The checker itself: an import of documents from the ledger is reported."""
    tree = ast.parse("def f():\n    from offset.documents.pdf import html_to_pdf\n")
    assert [used for _, used in _imported(tree) if used not in BELOW["ledger"]] == ["documents"]


def test_top_level_holds_packages() -> None:
    """`src/offset/` holds packages and only the package face, `__main__` and units."""
    modules = {p.name for p in SRC.glob("*.py")}
    assert modules == TOP_LEVEL_MODULES


def test_every_package_says_what_it_may_import() -> None:
    for package in (p for p in SRC.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert "May import" in (doc or ""), package.name
