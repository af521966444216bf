"""The words of what offset says about a user's cells: values and their units, the grid factor
a row takes (suppliers, menus), a municipality's constants, a prefecture's 収穫表.

A part of the message catalogue (`offset.common.messages.CATALOGUE`, the one lookup): key:
(English, Japanese), the same {name} placeholders in both."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # values
    "value.required": ("empty, but a value is required", "空欄です。値が必要です"),
    "value.uncomputed_formula": (
        "a formula without a computed value (the file was written by a program, not saved by"
        " Excel): open it in Excel and save it, or enter the value",
        "計算結果が保存されていない数式です (Excel で保存されていないファイル)。Excel で開いて"
        "保存するか、値を入力してください",
    ),
    "value.not_number": ("not a number: {value!r}", "数値ではありません: {value!r}"),
    "value.bool_in_number": (
        "a true/false cell, not a number: {value!r}",
        "真偽値のセルです。数値ではありません: {value!r}",
    ),
    "value.date_in_number": (
        "a date, not a number: {value!r}",
        "日付です。数値ではありません: {value!r}",
    ),
    "value.not_finite": ("not a finite number", "有限の数値ではありません"),
    "value.too_large": (
        "{value!r} is beyond any real figure (at most {limit:g} in absolute value)",
        "{value!r}は現実にありえない大きさです (絶対値{limit:g}まで)",
    ),
    "value.not_whole": ("not a whole number: {value}", "整数ではありません: {value}"),
    "value.at_least": (
        "must be at least {minimum:g}, got {value:g}",
        "{minimum:g}以上にしてください (値: {value:g})",
    ),
    "value.at_most": (
        "must be at most {maximum:g}, got {value:g}",
        "{maximum:g}以下にしてください (値: {value:g})",
    ),
    "value.cell_unit": (
        "the unit {unit!r} in {value!r} does not convert to the column's {expected!r}",
        "{value!r}の単位「{unit}」は列の単位{expected}に換算できません",
    ),
    "value.cell_unit_case": (
        "the unit {unit!r} in {value!r} reads as {readings} (units differ by case): write one",
        "{value!r}の単位「{unit}」は{readings}のどれとも読めます (大文字と小文字で別の単位): "
        "どれかで書いてください",
    ),
    "value.not_date": (
        "not a date: {value!r} (use 2024-04-01, 2024/4/1, 2024年4月1日, R6.4.1 or 令和6年4月1日)",
        "日付ではありません: {value!r} (2024-04-01、2024/4/1、2024年4月1日、R6.4.1、令和6年4月1日 の形で)",
    ),
    "value.impossible_date": ("no such date: {value!r}", "存在しない日付です: {value!r}"),
    "value.era_range": (
        "{value!r}: {era} runs from {start} to {end}",
        "{value!r}: {era}は{start}から{end}までです",
    ),
    "value.era_day": ("{day}", "{day_ja}"),  # an era's first or last day
    "value.era_now": ("today", "今"),  # the end of the era in force
    "value.year_only": (
        "{value!r} is a year; a date needs the month and day",
        "{value!r}は年だけです。日付には月と日が必要です",
    ),
    "value.time_of_day": (
        "{value!r} has a time of day; give the date alone",
        "{value!r}には時刻があります。日付だけにしてください",
    ),
    "value.date_range": (
        "{value!r} is outside the years {low}-{high}",
        "{value!r}は{low}年から{high}年の範囲外です",
    ),
    "value.date_future": (
        "{value!r} is more than {years} fiscal years ahead (after {latest}); a typo?",
        "{value!r}は{years}年度以上先の日付です ({latest}より後)。入力の誤りではありませんか",
    ),
    "value.not_year": (
        "not a year: {value!r} (use 2024, 2024年度, R6 or 令和6年度)",
        "年度ではありません: {value!r} (2024、2024年度、R6、令和6年度 の形で)",
    ),
    "value.not_boolean": (
        "not yes/no: {value!r} (use 有/無, ○/×, はい/いいえ, あり/なし, 1/0 or true/false)",
        "有無が読めません: {value!r} (有/無、○/×、はい/いいえ、あり/なし、1/0、true/false)",
    ),
    "value.unknown": (
        "unknown {what} {value!r}; closest known: {close} ({count} known: `{table}`; your own"
        " word for one: [values.COLUMN] in a --columns file)",
        "不明な{what}です: {value!r}。近い候補: {close} (全{count}件は `{table}` で。独自の呼び方は"
        " --columns のファイルの [values.列名] で既知の値に対応づけられます)",
    ),
    "value.unknown_none_close": (
        "unknown {what} {value!r}; none is close ({count} known: `{table}`; your own word for"
        " one: [values.COLUMN] in a --columns file)",
        "不明な{what}です: {value!r}。近い候補はありません (全{count}件は `{table}` で。独自の"
        "呼び方は --columns のファイルの [values.列名] で既知の値に対応づけられます)",
    ),
    "value.unknown_in_table": (
        "unknown {what} {value!r}; closest known: {close} ({count} known)",
        "不明な値です ({what}): {value!r}。近い候補: {close} (全{count}件)",
    ),
    "value.needs_stock": (
        "this species has no wood density or BEF of its own: its IPCC BCEF is chosen by the"
        " stand's growing stock, so give stock_m3_per_ha (or a yield-table row for it)",
        "この樹種には固有の容積密度と拡大係数がなく、IPCC の BCEF を林分の蓄積で選ぶため、"
        "stock_m3_per_ha (蓄積) を入れてください (または収穫表の行)",
    ),
    "value.species_incomplete": (
        "species {species!r} has no {missing} in forest_species (no source was found): give "
        "them with --factors",
        "樹種{species!r}には forest_species に{missing}がありません (出典が見つかっていません): "
        "--factors で与えてください",
    ),
    "value.no_growth": (
        "no growth for this stand: give it in one of three ways: (1) 成長量"
        " (growth_m3_per_ha_yr, m3/ha/yr); (2) the stock of an earlier register, 前回蓄積 with"
        " 前回調査年度 beside 蓄積, or that register itself (offset calc forest --previous FILE):"
        " growth by stock difference; (3) your prefecture's 収穫表,"
        " loaded with `offset factors import-yield` and named in 収穫表 (yield_region)",
        "この林分の成長量がありません。次のどれかで与えてください: (1) 成長量 (m3/ha/年) の列;"
        " (2) 前回の森林簿の蓄積 (前回蓄積と前回調査年度) を蓄積と並べるか、前回の森林簿そのものを"
        " --previous で指定 (蓄積の差から成長量);"
        " (3) 県の収穫表を `offset factors import-yield` で読み込み、収穫表の列でその地域名を指定",
    ),
    "value.map_word": (
        'the word {word!r} must name a value as text ("薪ストーブ" = "電気ストーブ")',
        '「{word}」には値を文字列で指定してください ("薪ストーブ" = "電気ストーブ")',
    ),
    "value.no_saving": (
        "no saving on this row: give 削減電力量 (kWh/年), 削減灯油量 or 削減A重油量 (L/年),"
        " 削減都市ガス (m3/年) or 削減LPG量 (kg/年)",
        "削減量がありません: 削減電力量 (kWh/年)、削減灯油量・削減A重油量 (L/年)、削減都市ガス (m3/年)、"
        "削減LPG量 (kg/年) のどれかを入れてください",
    ),
    "value.no_hdd": (
        "no heating degree-days for this row: give 暖房度日 (hdd_kday, D18-18 in K·day) for the"
        " house's place, as the 拡張アメダス気象データ (日本建築学会) gives it per station, or a"
        " station of the hdd table (観測地点); offset ships capitals' values for {prefectures} only",
        "暖房度日がありません: 住宅の地点の暖房度日 (D18-18, K·日) を拡張アメダス気象データ (日本建築学会)"
        " の観測地点の値で入れるか、hdd 表の観測地点を指定してください。県庁所在地の値があるのは"
        "{prefectures}だけです",
    ),
    "value.yield_miss": (
        "no yield-table rows for {key}: give growth_m3_per_ha_yr, or load your 収穫表; {label} "
        "present: {present}",
        "収穫表に{key}の行がありません: 成長量を入れるか、収穫表を --factors で読み込んでください。"
        "ある{label}: {present}",
    ),
    "value.unknown_supplier": (
        "unknown electricity supplier {value!r}; closest known: {close}. Write the supplier as"
        " the MOE/METI list prints it, import the list (offset factors import-grid), or say"
        ' unknown_supplier = "alternative" to use the 代替値',
        "不明な電気事業者です: {value!r}。近い候補: {close}。電気事業者別排出係数の一覧の表記で書くか、"
        "一覧を取り込む (offset factors import-grid) か、代替値を使うなら unknown_supplier ="
        ' "alternative" を指定してください',
    ),
    "value.unknown_menu": (
        "not a menu as the list prints it (メニューB, B, メニューM(残差), 残差, (参考値)事業者全体)",
        "一覧の表記のメニューではありません (メニューB、B、メニューM(残差)、残差、(参考値)事業者全体)",
    ),
    # a grid list (offset factors import-grid)
    "grid.not_understood": (
        "not understood as a row of the list: {row}",
        "一覧の行として読めません: {row}",
    ),
    "grid.td_row": (
        "not a 一般送配電事業者 row (番号, name, basic and adjusted factors): {row}",
        "一般送配電事業者の行 (番号、事業者名、基礎・調整後排出係数) ではありません: {row}",
    ),
    "grid.list_wide": (
        "{label}: expected one factor, found {count}",
        "{label}: 係数が1つのはずですが{count}個あります",
    ),
    "grid.no_year": (
        "the title does not give the results year (-R6年度実績- or 令和6年度実績)",
        "表題に実績の年度 (-R6年度実績- や 令和6年度実績) がありません",
    ),
    "grid.no_rows": ("no factor rows found", "係数の行がありません"),
    "grid.no_supplier": (
        "menu rows with no supplier (lines {lines})",
        "事業者のないメニューの行です ({lines}行目)",
    ),
    "grid.no_supplier_above": (
        "a menu row with no supplier above it: {row}",
        "上に事業者のないメニューの行です: {row}",
    ),
    "grid.twice": ("{registration}: {menu} twice", "{registration}: {menu}が2回あります"),
    "grid.menu": (
        "not a menu as the list prints it: {menu!r}",
        "一覧の表記のメニューではありません: {menu!r}",
    ),
    "grid.encoding": (
        "not UTF-8 or Shift_JIS (CP932) text",
        "UTF-8 でも Shift_JIS (CP932) でもありません",
    ),
    "grid.confidence": ("--confidence: one of {levels}", "--confidence は{levels}のどれかです"),
    "value.stale": (
        "--strict-factors: {factor} is {back} FYs older than the FY{wanted} row the year rule"
        " names for FY{fy}",
        "--strict-factors: {factor}は FY{fy}に年度規則が求める FY{wanted}の係数より{back}年度"
        "古い係数です",
    ),
    "value.substituted": (
        "--strict-factors: the factor of this row is not of what the row names: {rule}",
        "--strict-factors: この行の係数は、行が指定したものの係数ではありません: {rule}",
    ),
    "value.required_for": (
        "required for {measure} rows",
        "{measure}の行には必要です",
    ),
    # a renovation's measure as a problem names it (`value.required_for`)
    "measure.envelope": ("envelope", "断熱改修"),
    "measure.equipment": ("equipment", "設備更新"),
    "measure.lighting": ("lighting", "照明"),
    "value.check_digit": (
        "団体コード {value!r}: the check digit should be {digit} (総務省's rule: weights "
        "6,5,4,3,2, 11 minus the remainder mod 11, its last digit)",
        "団体コード{value!r}: 検査数字は{digit}のはずです",
    ),
    "value.code_prefecture": (
        "団体コード {value!r} is in prefecture {code} ({name}), but the row's prefecture is {row}",
        "団体コード{value!r}は{name} (コード{code}) のものですが、行の都道府県は{row}です",
    ),
    "value.code_length": (
        "団体コード {value!r}: a code has 6 digits (or 5 without the check digit)",
        "団体コード{value!r}: 6桁 (検査数字なしなら5桁) にしてください",
    ),
    # municipalities (offset.intake.municipalities) and the constants of a file or project
    "value.municipality_ambiguous": (
        "{value!r} names several municipalities: {candidates}; give the row's prefecture"
        " (a 都道府県 column or --prefecture) or write the name or code in full",
        "「{value}」に当たる自治体が複数あります: {candidates}。行の都道府県 (都道府県の列か"
        " --prefecture) を入れるか、正式名か団体コードで書いてください",
    ),
    "value.municipality_elsewhere": (
        "{value!r} is {places}, not in the row's prefecture {row}",
        "「{value}」は{places}で、行の都道府県{row}にはありません",
    ),
    "value.municipality_disagrees": (
        "the row's municipality {value!r} ({found}) is not the file's {fixed} ({where})",
        "行の自治体「{value}」({found}) はファイル全体の自治体{fixed} ({where}) と違います",
    ),
    "value.prefecture_disagrees": (
        "the row's prefecture {value!r} is not the file's {fixed} ({where})",
        "行の都道府県「{value}」はファイル全体の都道府県{fixed} ({where}) と違います",
    ),
    "value.no_prefecture": (
        "no prefecture: add a 都道府県 column, give --prefecture, or name the municipality as the"
        " list of local governments does (its code gives the prefecture)",
        "都道府県がありません: 都道府県の列を加えるか --prefecture を指定するか、自治体を一覧にある"
        "名前か団体コードで書いてください (団体コードから都道府県が分かります)",
    ),
    "constant.unknown_municipality": (
        "{value!r} is not in the list of local governments ({edition}): give its 団体コード",
        "「{value}」は地方公共団体の一覧 ({edition}) にありません: 団体コードで指定してください",
    ),
    "constant.unknown_prefecture": (
        "unknown prefecture {value!r} (use 長野県, 長野, nagano or 20)",
        "不明な都道府県です: {value!r} (長野県、長野、nagano、20 の形で)",
    ),
    "value.name_not_code": (
        "{name!r} is not the municipality of code {code} (it names {place}): correct one of them",
        "「{name}」は団体コード{code}の市町村ではありません ({place}): どちらかを直してください",
    ),
    "value.fy_of_sheet": (
        "the row's FY{fy} is not its sheet's: sheet {sheet!r} holds FY{sheet_fy}'s rows",
        "行は FY{fy}の行で、シートの年度と違います: シート「{sheet}」は FY{sheet_fy}の行です",
    ),
    "yield.no_header": (
        "no header line found: the first column's header must be one of {names}",
        "見出し行がありません: 1列目の見出しは{names}のどれかにしてください",
    ),
    "yield.site": (
        "the column {header!r} is not a site class (1, 地位1, 1等地, Ⅰ, 上/中/下)",
        "列「{header}」は地位ではありません (1、地位1、1等地、Ⅰ、上/中/下 の形で)",
    ),
    "yield.class": (
        "{value!r} is not an age class (7, 7齢級, Ⅶ; under 林齢, an age ending a class: 35)",
        "「{value}」は齢級ではありません (7、7齢級、Ⅶ。林齢の見出しなら齢級の終わりの林齢: 35)",
    ),
    "yield.volume": (
        "{value!r} is not a stand volume above 0 (m3/ha)",
        "「{value}」は 0 より大きい林分材積 (m3/ha) ではありません",
    ),
    "yield.gap": (
        "age classes {classes} are missing: growth is the difference of neighbouring classes",
        "齢級{classes}がありません: 成長量は隣り合う齢級の差から求めます",
    ),
    "yield.repeat": ("age classes {classes} appear twice", "齢級{classes}が2回あります"),
    "yield.empty": ("the table has no age class lines", "齢級の行がありません"),
    "yield.falling": (
        "the volume falls with age ({value} m3/ha after {before}): a yield table rises",
        "林齢とともに材積が減っています ({before}の次が{value} m3/ha): 収穫表は増えていきます",
    ),
    "grid.no_list": (
        "no grid factor for FY{fy}: its year rule takes the FY{wanted} list, and the tables"
        " have no list of that FY or earlier for this row's supplier nor a national average;"
        " add it with offset factors import-grid, or give the row's own"
        " grid_factor_t_co2_per_kwh",
        "{fy}年度の電力排出係数がありません: 年度規則は{wanted}年度の一覧を使いますが、表にはこの行の"
        "事業者にも全国平均にも、その年度以前の一覧がありません。offset factors import-grid で"
        "取り込むか、この行の排出係数 (grid_factor_t_co2_per_kwh) を入れてください",
    ),
}
