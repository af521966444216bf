"""The words of offset's tables and reports in English and Japanese: table and column names,
methods, sectors, account kinds, statuses, units, report headings and footnotes.

A method's words (its name, its columns of the 実行計画 table) come with its entry in
`offset.methods.METHODS`; `term` reads them there, so a new method needs no line here.

Messages about a user's input live in `offset.common.messages`; these are the names of things. Every
output that shows a table (report.html, report.pdf, report.xlsx, tables/*.csv, the CLI's
summary, the dashboard) takes its labels from here, so a column is called the same everywhere.
"""

from __future__ import annotations

from offset.common.messages import Lang, spaced
from offset.methods import METHODS
from offset.methods.method import Words

# key: (English, Japanese)
TERMS: dict[str, Words] = {
    # tables (report sections, Excel sheets, CSV files keep their key as file name)
    "table.summary": ("Summary per fiscal year", "年度別の概要"),
    "table.plan": ("Action plan figures (実行計画)", "実行計画の集計"),
    "table.reductions": ("Reductions", "削減量"),
    "table.issuance": ("Credits issued", "クレジットの発行"),
    "table.restatements": ("Restatements", "過年度分の再計算"),
    "table.fulfilment": ("Agreements", "協定の履行状況"),
    "table.deliveries": ("Deliveries", "引渡し"),
    "table.balances": ("Balances per party", "主体別の残高"),
    "table.by_prefecture": ("By prefecture", "都道府県別"),
    "table.provenance": ("Provenance", "算定の根拠"),
    # columns
    "column.fy": ("FY", "年度"),
    "column.municipality": ("Municipality (code)", "自治体 (団体コード)"),
    "column.municipality_name": ("Municipality", "自治体"),
    "column.prefecture": ("Prefecture", "都道府県"),
    "column.municipalities": ("Municipalities", "自治体数"),
    "column.municipality_key": ("Municipality key", "自治体キー"),
    "column.method": ("Method", "算定方法"),
    "column.project": ("Project", "プロジェクト"),
    "column.project_title": ("Project name", "プロジェクト名"),
    "column.creating_place": ("Where created", "創出場所"),
    "column.rows": ("Rows", "行数"),
    "column.reduction_tco2e": ("Reduction (t-CO2e)", "削減量 (t-CO2)"),
    "column.creditable_tco2e": ("Creditable (t-CO2e)", "クレジット対象量 (t-CO2)"),
    "column.stale_factor_rows": ("Rows on an earlier FY's factor", "前年度以前の係数を使った行数"),
    "column.owner": ("Owner", "保有者"),
    "column.instrument": ("Instrument", "クレジットの種類"),
    "column.carried_in_tco2e": ("Carried in (t-CO2e)", "前年度からの繰越 (t-CO2)"),
    "column.issued": ("Issued (credits)", "発行量 (t-CO2)"),
    "column.buffer": ("Buffer (credits)", "バッファー (t-CO2)"),
    "column.to_owner": ("To the owner (credits)", "保有者へ (t-CO2)"),
    "column.carried_out_tco2e": ("Carried forward (t-CO2e)", "次年度への繰越 (t-CO2)"),
    "column.status": ("Status", "状態"),
    "column.restates": ("Restates", "再計算した取引"),
    "column.restatement": ("Restatement (its transactions' id)", "再計算の取引ID"),
    "column.before": ("Before (credits)", "再計算前 (t-CO2)"),
    "column.after": ("After (credits)", "再計算後 (t-CO2)"),
    "column.change": ("Change (credits)", "増減 (t-CO2)"),
    "column.reversed": ("Reversed (credits)", "保有者から回収 (t-CO2)"),
    "column.cancelled": ("Cancelled (credits)", "バッファーから取消 (t-CO2)"),
    "column.shortfall": ("Shortfall (credits)", "不足 (t-CO2)"),
    "column.reason": ("Reason", "理由"),
    "column.agreement": ("Agreement", "協定"),
    "column.agreement_title": ("Agreement title", "協定名"),
    "column.provider": ("Provider", "提供者"),
    "column.beneficiary": ("Beneficiary", "受益者"),
    "column.committed": ("Committed (credits)", "約定量 (t-CO2)"),
    "column.carried_in": ("Shortfall carried in (credits)", "前年度からの不足の繰越 (t-CO2)"),
    "column.delivered": ("Delivered (credits)", "移転量 (t-CO2)"),
    "column.retired": ("Retired (credits)", "無効化量 (t-CO2)"),
    "column.carried_out": ("Shortfall carried forward (credits)", "次年度への不足の繰越 (t-CO2)"),
    "column.value_jpy": ("Value (yen)", "金額 (円)"),
    "column.planned_delivered": ("Plan: delivered (credits)", "計画上の移転量 (t-CO2)"),
    "column.planned_issued": ("Plan: issued (credits)", "計画上の発行量 (t-CO2)"),
    "column.plan_note": ("Why the plan differs", "計画と台帳が異なる理由"),
    "column.quantity": ("Credits (t-CO2e)", "クレジット (t-CO2)"),
    "column.mode": ("Delivery", "引渡し方法"),
    "column.party": ("Party key", "主体キー"),
    "column.name": ("Party", "主体"),
    "column.account": ("Account", "口座"),
    "column.kind": ("Kind", "種別"),
    "column.vintage": ("Vintage", "ヴィンテージ"),
    "column.retired_by": ("Retired by", "無効化した主体"),
    "column.buffer_tco2e": ("Buffer (t-CO2e)", "バッファー分 (t-CO2)"),
    "column.fallback_rows": ("Rows on a fallback factor", "代替の係数を使った行数"),
    # the dashboard's downloads (a statement, retirements, origins)
    "column.seq": ("Ledger entry", "台帳番号"),
    "column.id": ("Transaction id", "取引ID"),
    "column.effective_date": ("Date", "日付"),
    "column.fiscal_year": ("FY of the date", "日付の年度"),
    "column.amount": ("Amount (credits)", "数量 (t-CO2)"),
    "column.balance_after": ("Balance after (credits)", "取引後残高 (t-CO2)"),
    # a statement's period, per credit class: before it, within it, at its end
    "column.opening": ("Opening balance (credits)", "期首残高 (t-CO2)"),
    "column.credited": ("In (credits)", "受入 (t-CO2)"),
    "column.debited": ("Out (credits)", "払出 (t-CO2)"),
    "column.closing": ("Closing balance (credits)", "期末残高 (t-CO2)"),
    "column.memo": ("Memo", "摘要"),
    "column.methodology": ("Methodology", "方法論"),
    "column.from_account": ("From account", "移転元口座"),
    "column.claim_period": ("Claim period", "対象期間"),
    "column.serials": ("Serial numbers", "シリアル番号"),
    "column.hash": ("Entry hash (SHA-256)", "記録のハッシュ (SHA-256)"),
    # a retirement's use (J-Credit's 無効化の用途), as the retire form names its fields
    "column.purpose": ("Purpose", "用途"),
    "column.offset_target": ("Offset target", "オフセット対象"),
    "column.offset_place": ("Offset place (code)", "オフセット対象の場所 (団体コード)"),
    "column.claim_fy": ("FY claimed", "報告対象年度"),
    "column.rule_override": ("Use rule override (registry)", "用途の規則の適用除外 (登録簿)"),
    "column.scenario": ("Scenario", "シナリオ"),
    "column.class_id": ("Credit class", "クレジット区分"),
    "column.issuers": ("Issued to", "発行先"),
    "column.item": ("Item", "項目"),
    "column.value": ("Value", "値"),
    "column.unverified_rows": ("Unverified rows", "未確認の行数"),
    "column.origins": ("Source", "出典"),
    # the 実行計画 table's columns (a method's own: its `Method` entry)
    "column.residential_tco2e": ("Residential sector (t-CO2e)", "家庭部門 (t-CO2)"),
    "column.commercial_tco2e": ("Commercial sector (t-CO2e)", "業務その他部門 (t-CO2)"),
    "column.industrial_tco2e": ("Industrial sector (t-CO2e)", "産業部門 (t-CO2)"),
    "column.transport_tco2e": ("Transport sector (t-CO2e)", "運輸部門 (t-CO2)"),
    "column.unassigned_tco2e": ("Sector not given (t-CO2e)", "部門未設定 (t-CO2)"),
    "column.emission_reduction_tco2e": ("Emission reductions (t-CO2e)", "排出削減量 計 (t-CO2)"),
    "column.removals_tco2e": ("Forest removals (t-CO2e)", "森林吸収量 (t-CO2)"),
    "column.total_tco2e": ("Reductions and removals (t-CO2e)", "削減量と吸収量の合計 (t-CO2)"),
    "column.target_tco2e": ("Target (t-CO2e)", "目標 (t-CO2)"),
    "column.target_progress": ("Progress to target", "目標の達成率"),
    "column.share_of_base": ("Share of base-year emissions", "基準年度排出量に対する割合"),
    # sectors of the 実行計画 (区域施策編's 部門)
    "sector.residential": ("Residential", "家庭部門"),
    "sector.commercial": ("Commercial", "業務その他部門"),
    "sector.industrial": ("Industrial", "産業部門"),
    "sector.transport": ("Transport", "運輸部門"),
    "sector.unassigned": ("Sector not given", "部門未設定"),
    # the ledger's own party (issuance, buffer and cancellation accounts)
    "party.registry": ("Registry (buffer pool)", "レジストリ (バッファー)"),
    # account kinds
    "kind.holding": ("holding", "保有"),
    "kind.retirement": ("retired", "無効化"),
    "kind.buffer": ("buffer", "バッファー"),
    "kind.pending": ("reserved", "予約中"),
    "kind.issuance": ("issuance", "発行"),
    "kind.cancellation": ("cancelled", "取消"),
    # an issuance's status in this run
    "status.ok": ("posted in this run", "今回記録"),
    "status.exists": ("in the ledger before", "記録済み"),
    "status.restated": ("restated", "再計算済み"),
    "status.would post": ("would be posted (dry run)", "記録予定 (試行)"),
    "status.nothing to issue": ("nothing to issue", "発行なし"),
    # why a plan figure differs from the ledger's (a report's `plan_note` column)
    "plan.settled_before": (
        "settled in an earlier run and never settled again: the ledger's figure stands; the "
        "plan is what a run would deliver now from the FY's restated credits",
        "以前の実行で決済済みで、再決済はしません。台帳の数値が確定値です。計画上の数値は、"
        "再計算後のクレジットで今決済した場合の量です",
    ),
    "plan.not_posted": (
        "not in the ledger: this run did not post it (a dry run)",
        "台帳に記録されていません (試行のため今回は記録していません)",
    ),
    # delivery modes
    "mode.transfer": ("transfer", "移転"),
    "mode.retire": ("retired for the beneficiary", "受益者のために無効化"),
    "mode.transfer+retire": ("transfer, then retired", "移転後に無効化"),
    # units
    "unit.tco2e": ("t-CO2e", "t-CO2"),
    "unit.credits": ("credits (t-CO2e)", "クレジット (t-CO2)"),
    "unit.mwh": ("MWh", "MWh"),
    # provenance items
    "item.engine": ("engine", "算定エンジン"),
    "item.created": ("created", "作成日時"),
    "item.scenario_file": ("scenario file", "シナリオファイル"),
    "item.scenario_sha256": ("scenario SHA-256", "シナリオの SHA-256"),
    "item.factor_year": ("factor year rule", "係数の年度の選び方"),
    "item.factor_overlay": ("factor overlay", "追加の係数表"),
    "item.factor_table": ("factor table {name}", "係数表{name}"),
    "item.input": ("input data of {name}", "{name}の入力データ"),
    # `offset ledger balances`
    "balances.title": ("Balances", "残高"),
    "balances.as_of": ("Balances at the end of {date}", "{date}終了時点の残高"),
    # `offset ledger purposes`
    "purposes.title": ("Retirement purposes", "無効化の用途"),
    "purposes.code": ("Purpose", "用途"),
    "purposes.name": ("Name", "名称"),
    "purposes.types": ("Credit types", "使えるクレジットの種類"),
    "purposes.source": ("Source", "出典"),
    "purposes.window": (" (by 30 June after the FY)", " (温対法: 年度内か翌年度の6月30日まで)"),
    # `offset programme check`
    "check.period": ("Period", "期間"),
    "check.members": ("Members", "参加者数"),
    "check.monitored": ("Monitored (t-CO2)", "モニタリング (t-CO2)"),
    "check.verified": ("Verified (t-CO2)", "検証 (t-CO2)"),
    "check.credits": ("Credits", "クレジット"),
    "check.carried": ("Carried (t-CO2)", "繰越 (t-CO2)"),
    "check.finding": ("Finding", "審査結果"),
    # the report's own text
    "report.title_suffix": ("offset report", "offset 報告書"),
    "report.meta": (
        "Scenario {scenario}, FY{first}–FY{last} · GWP {gwp} · offset {engine} · {created}",
        "シナリオ{scenario}、{first}年度〜{last}年度 · 地球温暖化係数{gwp} · offset {engine} · "
        "{created}",
    ),
    "report.summary_note": (
        "Reductions are in t-CO2e; credits are whole t-CO2e (fractions carried to the next FY, "
        "never rounded away).",
        "削減量の単位は t-CO2。クレジットは 1 t-CO2 単位の整数で、端数は切り捨てずに次年度へ"
        "繰り越します。",
    ),
    "report.plan_note": (
        "The figures a 地球温暖化対策実行計画 reports for these projects, per FY: PV capacity "
        "and generation, reductions per sector and method, forest removals on their own line, "
        "and the credits issued, delivered and retired. The area's emission inventory itself "
        "is not computed here.",
        "地球温暖化対策実行計画に記載する、これらの事業の年度別の数値です。太陽光発電の導入容量と"
        "発電量、部門別・方法別の削減量、森林吸収量 (削減量とは別に計上)、クレジットの発行・"
        "移転・無効化量。区域の排出量そのものは算定していません。",
    ),
    "report.target": (
        "Target: {goal:,} t-CO2e a year of reductions and removals by FY{goal_fy} "
        "(base year FY{base_fy}{base}).",
        "目標: {goal_fy}年度までに削減量と吸収量を年{goal:,} t-CO2 (基準年度{base_fy}年度{base})。",
    ),
    "report.base_emissions": (
        ", base-year emissions {emissions:,} t-CO2e",
        "、基準年度排出量{emissions:,} t-CO2",
    ),
    "report.no_target": (
        "No target: give [target] in the scenario to see progress against the plan's goal.",
        "目標は設定されていません。シナリオに [target] を書くと目標に対する進捗を示します。",
    ),
    "report.by_prefecture": ("By prefecture (t-CO2e)", "都道府県別 (t-CO2)"),
    "report.by_municipality": ("By municipality (t-CO2e)", "自治体別 (t-CO2)"),
    "report.by_method": ("By method (t-CO2e)", "算定方法別 (t-CO2)"),
    "report.per_project": ("Per project, municipality and FY", "プロジェクト・自治体・年度別"),
    "report.issuance_note": (
        "Issued = ⌊creditable + carried in⌋; the buffer share is withheld from it into the "
        "buffer account. Each issuance records its input file, rows, method and factor tables: "
        "offset ledger serial PROJECT VINTAGE SERIAL shows them.",
        "発行量 = ⌊クレジット対象量 + 前年度からの繰越⌋。バッファー分は発行量から差し引いて"
        "バッファー口座に入れます。各発行は入力ファイル、行、算定方法、係数表を記録しており、"
        "offset ledger serial プロジェクト ヴィンテージ シリアル番号 で確認できます。",
    ),
    "report.restatements_note": (
        "Every restatement in the ledger, whichever run posted it (dated): an FY issued before "
        "whose figure a later run changed; the difference issued, or taken back from the owner "
        "(reversed), then from the buffer (cancelled); what neither held is a shortfall owed.",
        "台帳にある過年度分の再計算すべて (どの実行で記録したかを問わず、日付つき)。以前に発行"
        "した年度の数値が後の算定で変わったもので、差分を追加発行するか、保有者から回収し、次に"
        "バッファーから取り消します。どちらにもなかった分は不足として残ります。",
    ),
    "report.no_restatements": (
        "None: the ledger holds no restatement of this scenario.",
        "ありません。台帳にこのシナリオの再計算はありません。",
    ),
    "report.balances_note": (
        "A retirement is shown under the party it was made for when its beneficiary is one of "
        "the scenario's parties, else under the party that retired it; who retired it and the "
        "beneficiary it names are beside.",
        "無効化は、受益者がシナリオの主体であればその主体の下に、そうでなければ無効化を行った"
        "主体の下に示し、無効化を行った主体と受益者を併記します。",
    ),
    "report.ledger_note": (
        "Credits issued, delivered, retired and short, and their value, are the ledger's "
        "(its transactions under each agreement, and every retirement of these projects' "
        "credits, whoever retired them). Where a run would deliver or issue another figure now, "
        "the plan's figure is printed beside it, named as the plan, with the reason.",
        "発行・移転・無効化・不足のクレジット量とその金額は台帳の記録です (協定ごとの取引と、"
        "これらの事業のクレジットの無効化すべて。無効化した主体を問いません)。今の算定で異なる"
        "量になる場合は、計画上の数値をその理由とともに併記します。",
    ),
    "report.warnings": ("Warnings", "注意事項"),
    "report.notes_count": (
        "{count} warnings in {lines} lines, those of no single FY first, then the newest FY's; a"
        " warning repeated unchanged in several FYs is one line naming them.",
        "注意事項{count}件 ({lines}行)。年度によらないものを先に、次に新しい年度から順に並べます。"
        "複数の年度で同じ注意事項は1行にまとめ、その年度を示します。",
    ),
    "report.notes_family": (
        "{lines} lines of this kind, of {projects} projects (open to read them all); the first:"
        " {first}",
        "同じ種類の注意事項が{projects}件のプロジェクトに計{lines}行あります (開くとすべて表示"
        "します)。最初の行: {first}",
    ),
    "report.none": ("None.", "ありません。"),
    "report.provenance_note": (
        "Inputs and factor tables (SHA-256); the full record is in manifest.json.",
        "入力データと係数表 (SHA-256)。すべての記録は manifest.json にあります。",
    ),
    "report.kind": ("kind", "種類"),
    "report.file": ("name", "名前"),
    "report.scenario": ("scenario", "シナリオ"),
    "report.data": ("data ({name})", "入力データ ({name})"),
    "report.factor_table": ("factor table", "係数表"),
    "report.unverified": ("{count} unverified rows", "未確認{count}行"),
    # the grid year rule as the footer names it (the option's value in English)
    "rule.reporting": ("reporting", "報告用の一覧 (前年度の実績)"),
    "rule.results": ("results", "その年度の実績"),
    "report.footer": (
        "{scenario} · scenario SHA-256 {scenario_hash} · factor tables SHA-256 {tables_hash} · "
        "grid year rule {rule} · offset {engine} · {created} · manifest.json lists every input, "
        "factor row and ledger entry",
        "{scenario} · シナリオ SHA-256 {scenario_hash} · 係数表 SHA-256 {tables_hash} · "
        "電力係数の年度: {rule} · offset {engine} · {created} · 入力、係数の行、台帳の記録は"
        "すべて manifest.json にあります",
    ),
    # `offset run`'s summary in a terminal: short headers, the unit in the title
    "cli.dry_run_plan": (
        "FY{fy} is not in the ledger yet: posting it would issue {issued} credits and deliver"
        " {delivered} (the plan)",
        "{fy}年度は台帳にまだ記録されていません。記録すると発行{issued}、移転{delivered} (計画)",
    ),
    "cli.run_title": (
        "{name}: per fiscal year (t-CO2e; credits are whole t-CO2e)",
        "{name}: 年度別 (単位 t-CO2、クレジットは整数)",
    ),
    "short.fy": ("FY", "年度"),
    "short.reduction_tco2e": ("reduced", "削減量"),
    "short.creditable_tco2e": ("creditable", "対象量"),
    "short.issued": ("issued", "発行"),
    "short.buffer": ("buffer", "バッファー"),
    "short.delivered": ("delivered", "移転"),
    "short.retired": ("retired", "無効化"),
    "short.shortfall": ("short", "不足"),
    # `offset calc`'s summary
    "calc.totals": ("{method}: totals per municipality", "{method}: 自治体別の合計"),
    "calc.total": ("total", "合計"),
    "calc.results": ("results:  {path}", "結果: {path}"),
    "calc.rejects": ("rejects:  {path}", "受け付けなかった行: {path}"),
    "calc.manifest": ("manifest: {path}", "実行記録: {path}"),
    # charts
    "chart.by_municipality": ("Reductions by municipality", "自治体別の削減量"),
    "chart.by_method": ("Reductions by method", "算定方法別の削減量"),
    "chart.credits": ("Credits issued, delivered and retired", "クレジットの発行・移転・無効化"),
    "chart.fulfilment": ("Agreement fulfilment, all FYs", "協定の履行 (全年度)"),
    "chart.balances": ("Credits held and retired per party", "主体別の保有量と無効化量"),
    "chart.plan": ("Reductions per sector and forest removals", "部門別の削減量と森林吸収量"),
    "chart.nothing": ("nothing to show", "表示するものはありません"),
    "chart.others": ("others", "その他"),
    "chart.largest": (
        "{title} (the {shown} largest of {total}; the rest as others)",
        "{title} (上位{shown}件、全{total}件中。残りは「その他」)",
    ),
    "report.rows_shown": (
        "The first {shown} of {total} rows; every row is in tables/{name}.csv and report.xlsx.",
        "全{total}行のうち最初の{shown}行を表示しています。"
        "全行は tables/{name}.csv と report.xlsx にあります。",
    ),
    "chart.target": ("target", "目標"),
    "chart.held": ("{name} (held)", "{name} (保有)"),
    "chart.retired": ("{name} (retired)", "{name} (無効化)"),
}


def words(key: str) -> Words | None:
    """The (English, Japanese) words of `key`: the catalogue's, else a method's (its name, or a
    column it adds to the 実行計画 table); None for a key neither knows."""
    found = TERMS.get(key)
    if found is not None:
        return found
    kind, _, name = key.partition(".")
    if kind == "method":
        method = METHODS.get(name)
        return None if method is None else method.words
    if kind == "column":
        for method in METHODS.values():
            if method.reductions_line is not None and name == f"{method.name}_tco2e":
                return method.reductions_line
            for figure in method.plan:
                if figure.column == name:
                    return figure.words
    return None


def all_terms() -> dict[str, Words]:
    """Every key with its words: the catalogue and every method's."""
    keys = [f"method.{name}" for name in METHODS]
    for method in METHODS.values():
        if method.reductions_line is not None:
            keys.append(f"column.{method.name}_tco2e")
        keys += [f"column.{figure.column}" for figure in method.plan]
    found = {key: words(key) for key in keys}
    return TERMS | {key: pair for key, pair in found.items() if pair is not None}


def in_language(pair: Words, lang: Lang, /, **params: object) -> str:
    """One of a pair of words (English, Japanese) in `lang`, with `params` filled in."""
    english, japanese = pair
    if not params:
        return japanese if lang == "ja" else english
    return spaced(japanese, params) if lang == "ja" else english.format(**params)


def term(key: str, lang: Lang, /, **params: object) -> str:
    """The words for `key` in `lang`, with `params` filled in."""
    pair = words(key)
    if pair is None:
        raise KeyError(key)
    return in_language(pair, lang, **params)


def value_term(prefix: str, value: object, lang: Lang) -> str:
    """A category's value in words (`method`, `solar` -> 太陽光発電); an unknown value as it is."""
    pair = words(f"{prefix}.{value}")
    return str(value) if pair is None else in_language(pair, lang)


def column_label(column: str, lang: Lang) -> str:
    """A table column's header; a column without a catalogued label keeps its key."""
    return value_term("column", column, lang)


def fy_label(fy: int, lang: Lang) -> str:
    """A fiscal year as a heading: 2024年度, FY2024."""
    return f"{fy}年度" if lang == "ja" else f"FY{fy}"
