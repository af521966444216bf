"""The words of a scenario's run: its warnings and notes, restatements and the rows behind
them, the year rule, the memos the runner stores in the ledger, a review's findings.

A part of the message catalogue (`offset.common.messages.CATALOGUE`, the one lookup): key:
(English, Japanese), the same {name} placeholders in both."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # warnings of a calculation and of a run (the report lists them)
    "warn.unverified": (
        "{count} of {total} rows used a factor value marked unverified (column uses_unverified);"
        " check those values before relying on the figures",
        "{total}行中{count}行で未確認 (unverified) の係数値を使いました (uses_unverified 列)。"
        "数値を使う前にその値を確認してください",
    ),
    "warn.unverified.fys": (
        "{count} of {total} rows used a factor value marked unverified (column uses_unverified:"
        " {each}); check those values before relying on the figures",
        "{total}行中{count}行で未確認 (unverified) の係数値を使いました (uses_unverified 列、"
        "{each})。数値を使う前にその値を確認してください",
    ),
    "warn.unverified.fy": ("FY{fy} {count} of {total} rows", "FY{fy}は{total}行中{count}行"),
    "warn.fallback": (
        "{rows} rows used a fallback for {column}: {rule}",
        "{rows}行で{column}に代替の係数を使いました: {rule}",
    ),
    "warn.stale": (
        "{rows} rows of FY{fy} used {factor} ({column}): it is {back} FYs older than the"
        " FY{wanted} row the year rule names for FY{fy}, which the tables lack (for the grid:"
        " offset factors import-grid adds a list); --strict-factors refuses them",
        "FY{fy}の{rows}行で{factor}を使いました ({column}): FY{fy}に年度規則が求める FY{wanted}"
        "の係数が表になく、{back}年度古い係数です (電気事業者別排出係数は offset factors import-grid"
        " で取り込めます)。--strict-factors ではこれらを受け付けません",
    ),
    # stale notes of several FYs as one line of the report's notes (`documents.notes`)
    "warn.stale.fys": (
        "{rows} rows used {factor} ({column}), older than the row the year rule names, which"
        " the tables lack: {each} (for the grid: offset factors import-grid adds a list);"
        " --strict-factors refuses them",
        "{rows}行で{factor}を使いました ({column})。年度規則が求める年度の係数が表になく、古い"
        "係数です: {each} (電気事業者別排出係数は offset factors import-grid で取り込めます)。"
        "--strict-factors ではこれらを受け付けません",
    ),
    "warn.stale.fy": (
        "FY{fy} {rows} rows, {back} FYs older than FY{wanted}",
        "FY{fy}は{rows}行で FY{wanted}より{back}年度古い",
    ),
    "warn.stale.and": ("{first}; {rest}", "{first}、{rest}"),
    "warn.fallback.fys": (
        "{rows} rows used a fallback for {column}: {rule} ({each})",
        "{rows}行で{column}に代替の係数を使いました: {rule} ({each})",
    ),
    "warn.fallback.fy": ("FY{fy} {rows} rows", "FY{fy}は{rows}行"),
    "warn.no_self_consumption": (
        "{count} PV rows have no self-consumption data: nothing creditable for them "
        "(give self_consumed_kwh or self_consumption_ratio)",
        "太陽光発電の{count}行に自家消費のデータがないため、クレジット対象量はありません "
        "(self_consumed_kwh か self_consumption_ratio を入れてください)",
    ),
    "warn.ineligible": (
        "{count} stands are not eligible for credits (see activity, managed)",
        "{count}の林分はクレジットの対象外です (activity、managed 列を参照)",
    ),
    "warn.synthetic_yield": (
        "{count} stands took their growth from the SYNTHETIC demonstration yield table"
        " ({region}): not a prefectural 収穫表; these figures are for demonstration only",
        "{count}の林分の成長量は合成の例示用収穫表 ({region}) によるものです: 県の収穫表ではなく、"
        "例示のための数値です",
    ),
    "warn.even_share": (
        "{count} mixed stands gave no share of their species: their area was split evenly"
        " (give 樹種比率 / species_share)",
        "{count}の混交林は樹種比率がないため、面積を樹種で等分しました (樹種比率の列で指定できます)",
    ),
    "warn.project_fy": ("{project} FY{fy}: {warning}", "{project} {fy}年度: {warning}"),
    "warn.project_input": ("{project}: {notice}", "{project}: {notice}"),
    **{
        key: (
            f"the ledger holds {held} as well, but this run computed up to FY{{fy}}: those FYs"
            " show their credits from the ledger and no reductions (run --fy {last} for them)",
            f"台帳には{held_ja}の発行もありますが、この実行はFY{{fy}}までを算定しました。"
            "それらの年度はクレジットを台帳から示し、削減量は示していません (FY{last}までは --fy {last})",
        )
        for key, held, held_ja in (
            ("warn.later_fy", "FY{last}", "FY{last}"),
            ("warn.later_fys", "FY{first}-FY{last}", "FY{first}～FY{last}"),
        )
    },
    "warn.unused_rows": (
        "{project}: {count} rows of {file} have an fy outside the FYs the project is active in;"
        " they were not computed",
        "{project}: {file}の{count}行は年度がプロジェクトの対象年度の外にあるため、"
        "算定していません",
    ),
    "warn.unclaimed_rows": (
        "{file}: {count} rows name a municipality no project of the scenario takes"
        " (`rows.municipality`); they were not computed",
        "{file}の{count}行は、シナリオのどのプロジェクトも対象としない市区町村の行のため、"
        "算定していません (rows.municipality)",
    ),
    "scenario.rows_unknown": (
        "no municipality is known as {value!r}: give its 団体コード or official name",
        "「{value}」という市区町村は見つかりません: 団体コードか正式な名称を指定してください",
    ),
    "warn.shortfall": (
        "agreement {agreement} FY{fy}: short by {shortfall} credits (committed {committed},"
        " delivered {delivered}); {fate}",
        "協定{agreement} {fy}年度: {shortfall} t-CO2 不足 (約定{committed}、移転{delivered})。"
        "{fate}",
    ),
    "warn.carried": ("carried to FY{fy}", "{fy}年度へ繰り越します"),
    "warn.unmet": ("not carried: unmet", "繰り越さず、未達です"),
    "warn.restated_shortfall": (
        "{project} FY{fy}: restated {before} -> {after} credits; {shortfall} could not be taken"
        " back ({owner} and the buffer no longer hold them): a shortfall owed, collected by a"
        " later run once they are held again",
        "{project} {fy}年度: {before} → {after} t-CO2 に再計算しました。{shortfall} t-CO2 は"
        "回収できませんでした ({owner}とバッファーに残っていません)。不足として残り、"
        "保有された後の実行で回収します",
    ),
    "warn.settled_missing": (
        "FY{fy} is settled: {op} {quantity} of {project} under {agreement} ({id}) was not posted",
        "{fy}年度は精算済みです: 協定{agreement}の{project} {quantity} t-CO2 の{op} ({id}) "
        "は記録していません",
    ),
    "warn.settled_differs": (
        "FY{fy} is settled: {id} delivered {delivered}, the restated plan says {planned}; the"
        " delivery is left as posted",
        "{fy}年度は精算済みです: {id}は{delivered} t-CO2 を引き渡しました。再計算後の計画では"
        "{planned} t-CO2 ですが、記録済みの引渡しはそのままにします",
    ),
    # the report's notes, a note repeated in several FYs as one line (`documents.notes`)
    "notes.span": ("{first}–{last}", "{first}～{last}"),
    "notes.and": ("{first}, {rest}", "{first}、{rest}"),
    "notes.fys": ("{fys}: {note}", "{fys}: {note}"),
    "notes.times": ("{note} ({count} times)", "{note} ({count}件)"),
    "notes.named": ("{title} ({key})", "{title} ({key})"),  # a project by its title, key beside
    # why a restatement was posted (stored structured with it: `restate._reasons`)
    "restate.and": ("{first}; {rest}", "{first}。{rest}"),
    "restate.unrecorded": (
        "the first issuance's provenance is not recorded",
        "最初の発行の根拠が記録されていません",
    ),
    "restate.data_changed": (
        "data file changed (sha256 {old} -> {new}; rows {rows_before} -> {rows_after})",
        "入力データが変わりました (sha256 {old} → {new}、行番号{rows_before} → {rows_after})",
    ),
    "restate.rows": ("{rows}", "変わった行: {rows}"),  # as stored before rows were messages
    # text an earlier offset stored in English that cannot be read back as data: as stored
    "restate.as_stored": ("{text}", "記録時の英語の記述のまま: {text}"),
    "restate.row_changes": ("{rows}", "{rows}"),
    # which rows changed (`scenario.row_changes`), stored structured with the restatement
    "changes.added": ("rows added: {rows}", "追加された行: {rows}"),
    "changes.removed": ("rows removed: {rows}", "削除された行: {rows}"),
    "changes.changed": ("rows changed: {rows}", "変更された行: {rows}"),
    "changes.row": ("row {row}", "{row}行目"),
    "changes.sheet_row": ("row {sheet}!{row}", "シート「{sheet}」の{row}行目"),
    "changes.named": ("{place} ({named})", "{place} ({named})"),
    "changes.key": ("{column} {value}", "{column_ja} {value}"),
    "changes.change": ("{where}: {fields}", "{where}: {fields}"),
    "changes.field": ("{column} {before} -> {after}", "{column_ja} {before} → {after}"),
    "changes.blank": ("(blank)", "(空欄)"),
    "changes.list": ("{first}, {rest}", "{first}、{rest}"),
    "changes.parts": ("{first}; {rest}", "{first}。{rest}"),
    "changes.more": ("{listed} and {count} more", "{listed}ほか{count}行"),
    "restate.verified": (
        "verified figure {before} -> {now} t ({finding})",
        "検証量が{before} → {now} t-CO2 に変わりました ({finding})",
    ),
    # "restate.finding.{result}" (below, from the `finding.` words): a review that changed a
    # period's verified figure. Ledgers written before kept the result as a key in
    # "restate.finding"; `from_stored` reads those as the new keys.
    "restate.unverified_period": ("no verification", "検証なし"),
    "factor_year.reporting": (
        "FY N figures use the factor published for FY N reports (FY N-1 results; MOE list)",
        "N年度の数値には、N年度の報告用に公表された係数 (N-1年度の実績、環境省の一覧) を使います",
    ),
    "factor_year.results": (
        "FY N figures use the FY N results factor",
        "N年度の数値には、N年度の実績の係数を使います",
    ),
    "restate.year_rule": (
        "grid factor year rule changed ({old} -> {new})",
        "電力の排出係数の年度の選び方が変わりました ({old} → {new})",
    ),
    "restate.tables": ("factor tables changed: {tables}", "係数表が変わりました: {tables}"),
    "restate.carried_in": (
        "remainder carried in {before} -> {after} t (an earlier FY changed)",
        "前年度からの繰越が{before} → {after} t-CO2 に変わりました (前の年度が変わったため)",
    ),
    "restate.same": (
        "recomputed with the same data and factors",
        "同じデータと係数で再計算しました",
    ),
    # memos the runner writes on its transactions (stored structured: `offset.common.memos`)
    "memo.issue": (
        "{scenario}: {method} reductions of FY{fy}",
        "{scenario}: {fy}年度の{method}による削減量",
    ),
    "memo.delivery": ("delivery under {agreement}", "協定{agreement}に基づく移転"),
    # a scenario retirement's 目的詳細 (`reason`), stored as text in the scenario's language
    "settle.reason": (
        "carbon-offset agreement {agreement}, FY{fy}",
        "カーボン・オフセット協定{agreement}に基づくFY{fy}分の無効化",
    ),
    "memo.loss": (
        "{scenario}: FY{fy}'s loss (harvest beyond growth) covered from the buffer: -{quantity}"
        " of vintage {vintage}",
        "{scenario}: {fy}年度の減少 (成長量を超える伐採) をバッファーから補填: "
        "{vintage}年度分 -{quantity}",
    ),
    "memo.restate_issue": (
        "restatement of {restates} ({before} -> {after}): +{quantity}",
        "{restates}の再計算 ({before} → {after}): +{quantity}",
    ),
    "memo.restate_reverse": (
        "restatement of {restates} ({before} -> {after}): -{quantity} from {owner}",
        "{restates}の再計算 ({before} → {after}): {owner}から -{quantity}",
    ),
    "memo.restate_cancel": (
        "restatement of {restates} ({before} -> {after}): -{quantity} from the buffer",
        "{restates}の再計算 ({before} → {after}): バッファーから -{quantity}",
    ),
    "run.setup": ("set-up", "準備(口座・当事者の登録)"),
    "run.refused": (
        "{where}: the ledger refused {id}: {status} ({detail}).{hint}",
        "{where}: 台帳は{id}を記録しませんでした: {status}({detail_ja})。{hint}",
    ),
    "run.hint.id_reused": (
        " An id of this scenario was used by another transaction with other content.",
        "このシナリオの ID が、内容の違う別の取引に使われています。",
    ),
    "run.hint.backdated": (
        " The ledger already holds transactions dated later than --recorded-on: a run may not"
        " be dated before what is recorded (balances as of those dates were reported).",
        "台帳には --recorded-on より後の日付の取引が記録済みです。記録済みの日付より前の日付で"
        "実行することはできません(その日付時点の残高は報告済みです)。",
    ),
    "run.hint.history_altered": (
        " The ledger's latest entry was changed outside offset: run `offset ledger verify`"
        " and restore the database from a backup before posting again.",
        "台帳の最新の記録が offset の外で書き換えられています。`offset ledger verify` で確かめ、"
        "バックアップから復元してから記録し直してください。",
    ),
    "warn.csv_encoding": (
        "tables/ written as utf-8-sig, not {encoding}: {reason}",
        "tables/ は{encoding}ではなく utf-8-sig で書き出しました: {reason}",
    ),
    # a verifier's review result (`programme.model.Verification.finding`; the key is English's
    # word), as documents and the CLI print it
    "finding.accepted": ("accepted", "承認"),
    "finding.adjusted": ("adjusted", "修正のうえ承認"),
    "finding.rejected": ("rejected", "不承認"),
    "finding.none": ("not verified", "未審査"),
}
