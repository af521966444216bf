"""What `offset ledger verify` and a document's check (`ledger.proof`) say, in both languages:
the `verify.` keys of the message catalogue (`messages.CATALOGUE` holds them).

A discrepancy names the entry it is about (`verify.transaction`, `verify.entry`), the account and
class, and the columns or guards by their names in the database (keys, kept as they are).
"""

from __future__ import annotations

# key: (English, Japanese); {name} placeholders are the same in both.
VERIFY: dict[str, tuple[str, str]] = {
    # an entry, as a discrepancy names it
    "verify.transaction": ("transaction {id} (seq {seq})", "取引{id} (seq {seq})"),
    "verify.entry": ("{kind} entry (seq {seq})", "{kind}の記録 (seq {seq})"),
    "verify.balance": (
        "balance {account} class {class_id}",
        "{account}のクラス{class_id}の残高",
    ),
    # the chain pass: each entry (`verify/entries.py`)
    "verify.sequence_gap": (
        "sequence gap: expected {expected}, found {found}",
        "連番が飛んでいます: {expected}のはずが{found}です",
    ),
    "verify.prev_hash": (
        "{where}: prev_hash does not match the previous hash",
        "{where}: prev_hash が直前の記録のハッシュと一致しません",
    ),
    "verify.hash": (
        "{where}: hash does not recompute (altered header, postings or block events)",
        "{where}: ハッシュを計算し直すと一致しません (見出し、仕訳またはブロックの記録が"
        "書き換えられています)",
    ),
    "verify.date": (
        "{where}: effective {effective} is before {before}",
        "{where}: 発効日{effective}が直前の記録の{before}より前です",
    ),
    "verify.content_hash": (
        "{where}: content_hash is not the operation's hash",
        "{where}: content_hash が操作のハッシュと一致しません",
    ),
    "verify.fiscal_year": (
        "{where}: fiscal_year is not the FY of {day}",
        "{where}: fiscal_year が{day}の年度ではありません",
    ),
    "verify.not_json": (
        "{where}: the operation is not JSON",
        "{where}: 操作が JSON ではありません",
    ),
    "verify.kind": (
        "{where}: the operation is a {op!r}, the header a {kind!r}",
        "{where}: 操作の種類は{op!r}、見出しの種類は{kind!r}です",
    ),
    "verify.differ": (
        "{where}: does not match its operation in {columns}",
        "{where}: 列 `{columns}` が記録した操作の内容と異なります",
    ),
    "verify.unbalanced": (
        "transaction seq {seq}: postings of class {class_id} sum to {total}, not 0",
        "取引 seq {seq}: クラス{class_id}の仕訳の合計が0ではなく{total}です",
    ),
    "verify.balance_after": (
        "posting of {account} class {class_id} (seq {seq}): balance_after {after}, expected"
        " {expected}",
        "{account}のクラス{class_id}の仕訳 (seq {seq}): balance_after が{after}です"
        " ({expected}のはずです)",
    ),
    "verify.minted_outside": (
        "{where}: serials minted outside an issuance",
        "{where}: 発行以外の記録でシリアル番号が作られています",
    ),
    "verify.flow": (
        "{where}: block events do not move what the postings move",
        "{where}: ブロックの記録が仕訳と同じ量を動かしていません",
    ),
    "verify.stored_as": (
        "{where}: {table}.{column} is stored as {found}, not {wanted}",
        "{where}: {table}.{column}が{wanted}ではなく{found}として保存されています",
    ),
    "verify.sequence_class": (
        "{table}.{column} holds {value}, stored as {found}, not an integer: the history cannot"
        " be read in sequence order, and nothing else was checked",
        "{table}.{column}に整数ではなく{found}として保存された値{value}があります: 履歴を"
        "連番の順に読めないため、ほかは検査していません",
    ),
    "verify.entry_at": ("entry (seq {seq})", "記録 (seq {seq})"),
    "verify.class.integer": ("an integer", "整数"),
    "verify.class.text": ("text", "テキスト"),
    "verify.class.blob": ("a blob", "バイナリ値"),
    "verify.class.real": ("a real", "浮動小数点数"),
    "verify.orphan": (
        "postings or block events of seq {seq} belong to no entry",
        "seq {seq}の仕訳またはブロックの記録がどの記録にも属していません",
    ),
    # the books (`verify/books.py`, `verify/tables.py`)
    "verify.finality": (
        "credits of class {class_id} left {account}, a {kind} account",
        "クラス{class_id}のクレジットが{account} ({kind}の口座) から出ています",
    ),
    "verify.head": (
        "ledger head (seq {seq}) does not match the last entry (seq {last})",
        "台帳の先頭 (seq {seq}) が最後の記録 (seq {last}) と一致しません",
    ),
    "verify.stored_sum": (
        "{where}: stored {value}, postings sum to {total}",
        "{where}: 記録された値は{value}、仕訳の合計は{total}です",
    ),
    "verify.stored_last": (
        "{where}: stored {value}, last balance_after {last}",
        "{where}: 記録された値は{value}、最後の balance_after は{last}です",
    ),
    "verify.stored_version": (
        "{where}: version {version}, {count} postings",
        "{where}: version は{version}、仕訳は{count}件です",
    ),
    "verify.negative": (
        "balance {account} class {class_id} is negative: {value}",
        "{account}のクラス{class_id}の残高が負です: {value}",
    ),
    "verify.class_sum": (
        "class {class_id}: balances sum to {total}, not 0 (credits created or lost)",
        "クラス{class_id}: 残高の合計が0ではなく{total}です (クレジットが生まれたか失われています)",
    ),
    "verify.coverage": (
        "blocks of {account} class {class_id} differ from what the block events left it (at"
        " serial {point})",
        "{account}のクラス{class_id}のブロックがブロックの記録の結果と異なります"
        " (シリアル番号{point})",
    ),
    "verify.minted_after": (
        "class {class_id}: minted [{start}, {stop}) after {cursor}",
        "クラス{class_id}: [{start}, {stop}) が{cursor}の後に発行されています",
    ),
    "verify.next_serial": (
        "class {class_id}: {cursor} serials minted, but next_serial is {next}",
        "クラス{class_id}: 発行したシリアル番号は{cursor}個ですが、next_serial は{next}です",
    ),
    "verify.overlap": (
        "class {class_id}: block [{start}, {stop}) of {account} overlaps serials before {cursor}",
        "クラス{class_id}: {account}のブロック [{start}, {stop}) が{cursor}より前の"
        "シリアル番号と重なっています",
    ),
    "verify.unheld": (
        "class {class_id}: serials [{cursor}, {start}) are held by no account",
        "クラス{class_id}: シリアル番号 [{cursor}, {start}) をどの口座も保有していません",
    ),
    "verify.blocks_end": (
        "class {class_id}: blocks end at {cursor}, but {issued} serials were issued",
        "クラス{class_id}: ブロックは{cursor}で終わりますが、発行したシリアル番号は{issued}個です",
    ),
    "verify.held": (
        "blocks of {account} class {class_id} hold {held} serials, expected {expected}",
        "{account}のクラス{class_id}のブロックのシリアル番号は{held}個です ({expected}個の"
        "はずです)",
    ),
    "verify.resolves": (
        "transaction seq {seq}: resolves {reservation}, which is not an open reservation",
        "取引 seq {seq}: 未決済ではない予約{reservation}を決済しています",
    ),
    "verify.reservation_nowhere": (
        "reservation {reservation}: its credits are in no pending account",
        "予約{reservation}: そのクレジットがどの保留口座にもありません",
    ),
    "verify.pending": (
        "pending {account} class {class_id}: holds {held}, its open reservations {expected}",
        "保留口座{account}のクラス{class_id}: 残高は{held}、未決済の予約は{expected}です",
    ),
    "verify.opened_twice": (
        "account entry (seq {seq}): {account} opened twice",
        "口座の記録 (seq {seq}): {account}が2回開設されています",
    ),
    "verify.bad_reference": (
        "{kind} entry (seq {seq}): not a valid reference change",
        "{kind}の記録 (seq {seq}): 参照情報の変更として正しくありません",
    ),
    "verify.what.party": ("party", "参加者"),
    "verify.what.title": ("title", "名称"),
    "verify.what.account": ("account", "口座"),
    "verify.what.instrument": ("instrument", "制度"),
    "verify.what.class": ("credit class", "クレジットのクラス"),
    "verify.table_missing": (
        "{what} {key}: in the history, missing from its table",
        "{what} {key}: 履歴にあり、表にありません",
    ),
    "verify.history_missing": (
        "{what} {key}: in its table, never recorded in the history",
        "{what} {key}: 表にあり、履歴に記録がありません",
    ),
    "verify.table_differs": (
        "{what} {key}: the table holds {stored}, the history {expected}",
        "{what} {key}: 表の値は{stored}、履歴の値は{expected}です",
    ),
    # the guards (`verify/installed.py`)
    "verify.guard_missing": (
        "guard missing: {name} (the database no longer refuses what it guarded against)",
        "保護がありません: {name} (データベースが防いでいた変更を拒否しなくなっています)",
    ),
    "verify.guard_trigger": (
        "guard changed: {name} is not the trigger the ledger installed",
        "保護が変わっています: {name}は台帳が設定したトリガーではありません",
    ),
    "verify.guard_disabled": (
        "guard disabled: {name} (ALTER TABLE ... DISABLE TRIGGER)",
        "保護が無効です: {name} (`ALTER TABLE ... DISABLE TRIGGER`)",
    ),
    "verify.guard_function": (
        "guard changed: {name} no longer runs the ledger's {function}()",
        "保護が変わっています: {name}は台帳の{function}() を実行しなくなっています",
    ),
    "verify.guard_constraint": (
        "guard changed: {name} is not the constraint the ledger installed",
        "保護が変わっています: {name}は台帳が設定した制約ではありません",
    ),
    # signed checkpoints (`checkpoint.check`, `Ledger._latest_state`)
    "verify.checkpoint": (
        "checkpoint {path} (seq {seq}, {time})",
        "チェックポイント{path} (seq {seq}、{time})",
    ),
    "verify.checkpoint_ledger": (
        "{where}: signed for ledger {ledger}, this is {this}",
        "{where}: 台帳{ledger}の署名です (この台帳は{this})",
    ),
    "verify.checkpoint_older": (
        "{where}: the ledger's head is seq {head}, older than this checkpoint (an older copy"
        " restored, or the history cut short)",
        "{where}: 台帳の先頭は seq {head}で、このチェックポイントより古い状態です (古い複製を"
        "戻したか、履歴が切り詰められています)",
    ),
    "verify.checkpoint_gone": (
        "{where}: the entry it signed is gone (the history was cut short)",
        "{where}: 署名した記録がありません (履歴が切り詰められています)",
    ),
    "verify.checkpoint_rewritten": (
        "{where}: the history up to it was rewritten (hash {stored}..., signed {signed}...)",
        "{where}: そこまでの履歴が書き換えられています (ハッシュ{stored}...、署名したハッシュ"
        "{signed}...)",
    ),
    "verify.checkpoint_state": (
        "checkpoint {path} (seq {seq}): the verified state kept at it is not the one it signed"
        " (the history was read in full instead)",
        "チェックポイント{path} (seq {seq}): 保存された検証済みの状態が署名したものと"
        "異なります (代わりに履歴をすべて読みました)",
    ),
    # a document's own check (`ledger.proof`)
    "verify.rows_of_no_entry": (
        "rows of no entry at seq {seqs}",
        "どの記録にも属さない行があります (seq {seqs})",
    ),
    "verify.no_entry": ("no entry at seq {seqs}", "seq {seqs}の記録がありません"),
}
