"""Memos the runner writes on its transactions, stored structured and read in either language.

A memo is free text to the ledger (the hash covers it; `verify` compares it with its
operation). What offset writes there itself is a catalogued message kept as canonical JSON,
`{"memo": "delivery", "agreement": "pv-shinano"}`, so that a statement, the dashboard or a
report prints it in its reader's language (`text`); a memo a person typed is printed as typed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from offset.common.messages import CATALOGUE, Lang, Msg
from offset.common.messages import text as message_text

PREFIX = "memo."


def memo(kind: str, /, **params: Any) -> str:
    """The memo `kind` (a `memo.` key of the catalogue) with `params`, as stored."""
    assert PREFIX + kind in CATALOGUE, kind
    return json.dumps({"memo": kind, **params}, ensure_ascii=False, sort_keys=True)


def parsed(stored: str) -> Msg | None:
    """A stored memo as the message it records (None: a person's own words)."""
    if not stored.startswith('{"'):
        return None
    try:
        found = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(found, dict) or PREFIX + str(found.get("memo")) not in CATALOGUE:
        return None
    params: Mapping[str, Any] = {k: v for k, v in found.items() if k != "memo"}
    try:
        message = Msg(PREFIX + str(found["memo"]), **params)
    except (KeyError, IndexError, ValueError):
        return None  # a memo shaped like ours but not one (a person's JSON): as typed
    return message


def text(stored: str, lang: Lang | None = None, method: Callable[[str], str] | None = None) -> str:
    """A memo in `lang`: offset's own rendered from the catalogue, anyone else's as typed.
    `method` names a method (its key, stored in an issuance's memo) in `lang`: the caller
    knows the methods' words (`documents.terms.value_term`), this layer does not."""
    message = parsed(stored)
    if message is None:
        return stored
    if method is not None and "method" in message.params:
        shown = method(str(message.params["method"]))
        message = Msg(message.key, **{**message.params, "method": shown})
    return message_text(message, lang)


def params(stored: str) -> dict[str, Any]:
    """The fields of one of offset's memos ({} for a person's own)."""
    message = parsed(stored)
    return {} if message is None else dict(message.params)
