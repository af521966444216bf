"""The message catalogue in parts, one module an area (`files`, `values`, `runs`, `commands`,
`programmes`; `verify`'s words are `common.verify_messages`), joined once into
`offset.common.messages.CATALOGUE`, the one lookup; a key defined in two parts is refused."""

from __future__ import annotations

from collections.abc import Mapping

from offset.common.catalogue import commands, files, programmes, runs, values


def joined(*parts: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The parts as one catalogue; a key in two of them is a bug (one would hide the other)."""
    out: dict[str, tuple[str, str]] = {}
    for part in parts:
        twice = out.keys() & part.keys()
        assert not twice, f"message keys defined twice: {sorted(twice)}"
        out.update(part)
    return out


PARTS = (files.WORDS, values.WORDS, runs.WORDS, commands.WORDS, programmes.WORDS)
