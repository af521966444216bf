"""Result codes: one stable word per outcome, the same in the API, the CLI and the docs."""

from __future__ import annotations

from typing import Final

OK: Final = "ok"
EXISTS: Final = "exists"  # the same id with the same content: nothing changed
HISTORY_ALTERED: Final = "history_altered"  # the ledger's state, not the operation's fault
WRITER_UNAVAILABLE: Final = "writer_unavailable"  # the server's, likewise (`writer_socket.py`)

# Rejections. Each leaves the ledger exactly as it was.
MESSAGES: Final[dict[str, str]] = {
    "invalid_operation": "the line is not a valid operation (missing or malformed field)",
    "too_large": "the line is longer than 65,536 bytes or nested deeper than 16 levels",
    "reserved_name": "the name is reserved: the ledger's own accounts and parties, or another"
    " party's namespace",
    "id_reused": "this id was used before with other content",
    "unknown_party": "no such party",
    "unknown_account": "no such account",
    "account_exists": "the account exists with another party or kind",
    "account_closed": "the account is closed or suspended",
    "wrong_account_kind": "the account's kind does not allow this operation",
    "unknown_instrument": "no such instrument",
    "unknown_class": "no credits of this project and vintage were issued",
    "class_mismatch": "this project and vintage were issued under another instrument or methodology",
    "insufficient_balance": "the account does not hold enough of these credits",
    "quantity_too_large": "past the ledger's bounds: 10**15 credits a class, 10**18 in all",
    "non_transferable": "the instrument is not transferable: only its holder may hold and retire it",
    "retired_credits": "credits in retirement or cancellation accounts never move again",
    "unknown_transaction": "no such transaction",
    "not_reversible": "this kind of transaction cannot be reversed",
    "exceeds_original": "the reversals would exceed the original transaction",
    "already_reversed": "the transaction was fully reversed already",
    "not_a_reservation": "the transaction is not a reservation",
    "reservation_resolved": "the reservation was posted or voided already",
    "exceeds_reservation": "more than the reserved quantity",
    "backdated": "the effective date is before the ledger's latest effective date",
    "future_date": "the effective date is after tomorrow",
    "same_account": "the source and destination are the same account",
    "not_permitted": "only the ledger's operator (the registry) may do this",
    "linked_failed": "not applied: another operation of the atomic batch was rejected",
    "unknown_purpose": "no such retirement purpose (see the purposes the ledger lists)",
    "purpose_not_allowed": "credits of this type may not be used for this purpose",
    "claim_fy_required": "this purpose needs the fiscal year the retirement is claimed for",
    "vintage_after_claim": "the credits' vintage is after the fiscal year they are claimed for",
    "claim_outside_window": "for this fiscal year's claim, credits must be retired within it or"
    " by 30 June after it",
    "same_place": "the place of the offset is where the credits were created",
    "serials_not_held": "the account does not hold these serial numbers",
    "serials_quantity": "the serial ranges do not add up to the quantity, or overlap",
    HISTORY_ALTERED: "the ledger's last entry was altered outside the ledger (it does not"
    " recompute from what it holds): nothing is written until the ledger is repaired; run"
    " `offset ledger verify`",
    WRITER_UNAVAILABLE: "the server's writing process did not answer: the operation may or may not"
    " have been recorded; send it again with the same id (or Idempotency-Key) to find out",
}
#: The same in Japanese: what the dashboard, the API (`Accept-Language: ja`) and the CLI
#: (`--lang ja`) say.
JAPANESE: Final[dict[str, str]] = {
    "invalid_operation": "入力の形式が正しくありません",
    "too_large": "内容が大きすぎます",
    "reserved_name": "この名前は台帳自身か他の主体のものです",
    "id_reused": "このIDは別の内容ですでに使われています",
    "unknown_party": "該当する主体はありません",
    "unknown_account": "該当する口座はありません(あなたの口座ではありません)",
    "account_exists": "この口座は別の主体か種別で存在します",
    "account_closed": "口座が閉鎖または停止されています",
    "wrong_account_kind": "この種別の口座ではこの操作はできません",
    "unknown_instrument": "該当するクレジットの種類はありません",
    "unknown_class": "このプロジェクトとヴィンテージのクレジットは発行されていません",
    "class_mismatch": "このプロジェクトとヴィンテージは別の種類か方法論で発行されています",
    "insufficient_balance": "口座の保有量が足りません",
    "quantity_too_large": "台帳の上限を超えています",
    "non_transferable": "この種類のクレジットは移転できません(保有者のみが保有・無効化できます)",
    "retired_credits": "無効化・取消済みのクレジットは移転できません",
    "unknown_transaction": "該当する取引はありません",
    "not_reversible": "この種類の取引は取り消せません",
    "exceeds_original": "元の取引の数量を超えて取り消すことになります",
    "already_reversed": "この取引はすでに全量取り消されています",
    "not_a_reservation": "この取引は予約ではありません",
    "reservation_resolved": "この予約はすでに確定または取消されています",
    "exceeds_reservation": "予約した数量を超えています",
    "backdated": "効力発生日が台帳の最新の日付より前です",
    "future_date": "効力発生日が明日より後です",
    "same_account": "移転元と移転先が同じ口座です",
    "not_permitted": "この操作は台帳の運営者(レジストリ)だけが行えます",
    "linked_failed": "一括処理の他の操作が拒否されたため適用されませんでした",
    "unknown_purpose": "この用途は一覧にありません(用途は一覧から選んでください)",
    "purpose_not_allowed": "この種類のクレジットはこの用途に使えません"
    "(RE100は再エネ電力由来のみ、CDP・SBTは再エネ電力・熱由来のみ、森林由来はいずれも不可)",
    "claim_fy_required": "この用途では、報告の対象年度を指定してください",
    "vintage_after_claim": "クレジットのヴィンテージが報告の対象年度より後です",
    "claim_outside_window": "この年度の報告に使うには、その年度内か翌年度の6月30日までに"
    "無効化する必要があります",
    "same_place": "オフセットの場所がクレジットの創出場所と同じです",
    "serials_not_held": "口座はこのシリアル番号を保有していません",
    "serials_quantity": "シリアル番号の範囲の合計が数量と合わないか、範囲が重なっています",
    HISTORY_ALTERED: "台帳の最新の記録が台帳の外で書き換えられています(記録の内容からハッシュが"
    "再計算できません)。台帳を修復するまで書き込みはできません。`offset ledger verify` で"
    "確認してください",
    WRITER_UNAVAILABLE: "サーバーの書き込み処理が応答しませんでした。記録されたかどうかは不明です。"
    "同じID(Idempotency-Key)でもう一度送信すると確認できます",
}
CODES: Final = (OK, EXISTS, *MESSAGES)

# Codes that describe the account they are about (`Rejected.subject`): a party acting on its
# own behalf hears them about its own accounts only; about any other, `unknown_account`.
ABOUT_ACCOUNTS: Final = frozenset(
    {
        "unknown_account",
        "account_closed",
        "wrong_account_kind",
        "retired_credits",
        "account_exists",
        "reserved_name",
        "insufficient_balance",
    }
)


def message(code: str, language: str) -> str:
    """A result code's words in `language` ("ja" or "en")."""
    if language == "ja":
        return JAPANESE.get(code, MESSAGES.get(code, code))
    return MESSAGES.get(code, code)


class Rejected(Exception):
    """A domain rule refused an operation; `code` is one of MESSAGES. `subject` is the account
    (or transaction) the refusal is about, so that the API can answer a party about another
    party's account exactly as about one that does not exist."""

    def __init__(self, code: str, detail: str = "", subject: str | None = None) -> None:
        assert code in MESSAGES, code
        self.code = code
        self.detail = detail
        self.subject = subject
        super().__init__(f"{code}: {MESSAGES[code]}" + (f" ({detail})" if detail else ""))
