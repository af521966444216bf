"""The words of a programme-type project (プログラム型): its members, periods and checks.

A part of the message catalogue (`offset.common.messages.CATALOGUE`, the one lookup): key:
(English, Japanese), the same {name} placeholders in both."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # programme-type projects (offset.programme)
    "programme.no_period": (
        "no monitoring period {period!r} (the programme's: {known})",
        "モニタリング期間「{period}」はありません (このプログラムの期間: {known})",
    ),
    "programme.unknown_method": (
        "unknown method {method!r} (known: {known})",
        "算定方法「{method}」はありません (使える方法: {known})",
    ),
    "programme.period_backwards": (
        "the period ends before it starts",
        "期間の終了日が開始日より前です",
    ),
    "programme.period_twice": (
        "monitoring period {period!r} is named twice",
        "モニタリング期間「{period}」が2回あります",
    ),
    "programme.period_outside": (
        "monitoring period {period!r} is not inside the crediting period {first} to {last}",
        "モニタリング期間「{period}」が認証対象期間 ({first}〜{last}) の外にあります",
    ),
    "programme.period_overlap": (
        "monitoring period {period!r} overlaps period {other!r}",
        "モニタリング期間「{period}」が期間「{other}」と重なっています",
    ),
    "programme.adjust_not_adjusted": (
        "adjustments are given but the finding is not 'adjusted'",
        "修正値がありますが、審査結果が adjusted (修正) ではありません",
    ),
    "programme.no_consent": (
        "member {member}: no consent date (a member counts only once it has consented)",
        "会員{member}: 同意日がありません (同意した会員だけを算定に含めます)",
    ),
    "programme.leaves_before_joining": (
        "member {member}: leaves on {left}, before it joined on {joined}",
        "会員{member}: 退会日{left}が入会日{joined}より前です",
    ),
    "programme.no_activity": (
        "member {member}: activity {activity!r} matches no row of the subsidy list",
        "会員{member}: 排出削減活動「{activity}」が補助金の一覧のどの行にもありません",
    ),
    "programme.activity_twice": (
        "member {member}: activity {activity!r} is already the activity of the member on row"
        " {other}",
        "会員{member}: 排出削減活動「{activity}」は{other}行目の会員の活動として登録済みです",
    ),
    "programme.over_limit": (
        "member {member}: the activity reduces {tco2e} t-CO2 a year, above the programme's limit"
        " of {limit} t-CO2 an activity",
        "会員{member}: 排出削減活動の削減量が年{tco2e} t-CO2 で、1活動あたりの上限{limit} t-CO2"
        " を超えています",
    ),
    "programme.elsewhere": (
        "member {member}: the activity is already registered in {where} (the same system id, or"
        " the same address and capacity)",
        "会員{member}: 排出削減活動は既に「{where}」に登録されています (同じ設備番号、または同じ"
        "住所と容量)",
    ),
    "programme.started_before": (
        "member {member}: the activity started on {started}, before {earliest} (the scheme's"
        " first day): too old to count",
        "会員{member}: 排出削減活動の開始日{started}が制度の開始日{earliest}より前です",
    ),
    "programme.started_long_before": (
        "member {member}: the activity started on {started}, more than {years} years before the"
        " member joined on {joined} (the programme's start rule)",
        "会員{member}: 排出削減活動の開始日{started}が入会日{joined}の{years}年以上前です"
        " (プログラムの開始日の要件)",
    ),
    "programme.adjusted_absent": (
        "the verifier adjusts member {member}, which has no figure in period {period!r} (not a"
        " member then, or refused by the registry's checks)",
        "審査で修正された会員{member}は期間「{period}」に算定値がありません (その期間の会員で"
        "ないか、登録要件の確認で対象外です)",
    ),
    "programme.no_activity_ids": (
        "the subsidy list has no id column (交付番号, 設備番号, 申請番号, ...): a member's activity"
        " cannot be found",
        "補助金の一覧に番号の列 (交付番号、設備番号、申請番号など) がありません: 会員の排出削減活動を"
        "特定できません",
    ),
    "programme.list_issued_elsewhere": (
        "the ledger holds {id}, another project's issuance computed from this subsidy list (the"
        " same SHA-256): its members' reductions would be claimed twice; nothing was issued",
        "台帳に、同じ補助金の一覧 (同じ SHA-256) から算定した別のプロジェクトの発行{id}があります:"
        " 会員の削減量を二重に計上することになるため、発行しません",
    ),
    "programme.issued_other": (
        "period {period!r} was issued {held} credits before; it now verifies to {now}: a"
        " correction of a verified period is a restatement, not a second issuance",
        "期間「{period}」は既に{held} t-CO2 発行済みで、今回の検証量は{now} t-CO2 です:"
        " 検証済みの期間の訂正は再計算 (restatement) で行い、二重に発行はしません",
    ),
}
