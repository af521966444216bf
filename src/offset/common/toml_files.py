"""A TOML file a user writes (a scenario, a programme), read and checked against its model."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from offset.common.problems import InputError, Problem

M = TypeVar("M", bound=BaseModel)


def read_toml(path: Path, model: type[M]) -> tuple[M, str]:
    """The file's content checked against `model`, and the file's sha256 (which records it);
    InputError lists every problem of its shape with its key."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError([Problem(file, None, None, f"cannot read: {e.strerror}")]) from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError([Problem(file, None, None, f"not valid TOML: {e}")]) from e
    try:
        content = model.model_validate(data)
    except ValidationError as e:
        raise InputError([_shape_problem(file, err) for err in e.errors()]) from e
    return content, hashlib.sha256(raw).hexdigest()


def _shape_problem(file: str, err: object) -> Problem:
    assert isinstance(err, dict)
    key = ".".join(str(p) for p in err["loc"])
    message = "unknown key (a typo?)" if err["type"] == "extra_forbidden" else str(err["msg"])
    return Problem(file, None, None, message, key=key or None)
