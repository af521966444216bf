"""What offset tells a user about their input, in English and Japanese: the one catalogue.

A message is a :class:`Msg`: a ``str`` holding the English text (so code, logs and tests that read
messages as text keep working), which also knows its key and parameters and renders itself in
Japanese. The language of what is printed is chosen once per command (:func:`use`): ``--lang``,
then ``OFFSET_LANG``, then a Japanese locale (``LANG=ja_JP...``), else English.
"""

from __future__ import annotations

import contextvars
import errno
import os
import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Literal

from offset.common.verify_messages import VERIFY

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = ("en", "ja")

# key: (English, Japanese); {name} placeholders are the same in both.
CATALOGUE: dict[str, tuple[str, str]] = {
    # where a problem is
    "where.row": ("row {row}", "{row}行目"),
    "where.column": ("column {column!r}", "列「{column}」"),
    "where.sheet": ("sheet {sheet!r}", "シート「{sheet}」"),
    "where.key": ("key {key}", "キー{key}"),
    "problems.head": ("{count} problem(s) in the input", "入力に{count}件の問題があります"),
    "problems.more": ("... and {count} more problems", "... ほか{count}件"),
    "problems.nothing_written": (
        "{count} problem(s); nothing was written.",
        "{count}件の問題があります。何も書き込んでいません。",
    ),
    "problems.nothing_posted": (
        "{count} problem(s); nothing was posted.",
        "{count}件の問題があります。台帳には何も記録していません。",
    ),
    "problems.nothing_computed": (
        "{count} problem(s); nothing was computed or posted.",
        "{count}件の問題があります。何も計算せず、台帳にも記録していません。",
    ),
    # files
    "file.not_found": ("file not found", "ファイルがありません"),
    "file.unknown_format": (
        "unknown format: use .csv, .xlsx or .parquet",
        "対応していない形式です: .csv、.xlsx、.parquet を使ってください",
    ),
    "file.unreadable": ("cannot read the file: {reason}", "ファイルを読めません: {reason}"),
    "file.encoding": (
        "not UTF-8 or Shift_JIS (CP932) text (tried {tried}){hint}",
        "UTF-8 でも Shift_JIS (CP932) でもありません (試した文字コード: {tried}){hint}",
    ),
    "file.latin": (
        "; it reads as CP932 only with Latin letters around kanji (as in {sample!r}), which "
        "is what Latin-1 or Windows-1252 text looks like: save it as UTF-8",
        "。CP932 として読むと英字に挟まれた漢字 ({sample!r}など) になり、Latin-1 や "
        "Windows-1252 の文字に見えます: UTF-8 で保存してください",
    ),
    "file.too_large": (
        "the file is {size:,} bytes; the limit is {limit:,}",
        "ファイルが{size:,}バイトあります。上限は{limit:,}バイトです",
    ),
    "file.unzipped_too_large": (
        "the workbook unpacks to {size:,} bytes; the limit is {limit:,} (a zip bomb, or a "
        "workbook to split)",
        "ブックを展開すると{size:,}バイトになります。上限は{limit:,}バイトです",
    ),
    "file.too_many_cells": (
        "the sheet has more than {limit:,} cells",
        "シートのセルが上限 ({limit:,}) を超えています",
    ),
    "file.too_many_columns": (
        "a row has {columns:,} fields; the limit is {limit:,} (Excel's own)",
        "1行に{columns:,}個の項目があります。上限は{limit:,}個 (Excel と同じ) です",
    ),
    "file.zip_parts": (
        "the workbook holds {parts:,} parts; the limit is {limit:,}",
        "ブックに{parts:,}個の部品があります。上限は{limit:,}個です",
    ),
    "file.xml_dtd": (
        "the workbook's part {part} declares a DTD, which no Excel file does: refused unread"
        " (it may hold an entity bomb)",
        "ブックの部品{part}に DTD の宣言があります。Excel のファイルにはないもので、"
        "読まずに拒否しました (エンティティ爆弾の可能性があります)",
    ),
    "file.xml_entities": (
        "the workbook declares XML entities, which no Excel file does: refused (it may be an"
        " entity bomb)",
        "ブックに XML エンティティの宣言があります。Excel のファイルにはないもので、"
        "拒否しました (エンティティ爆弾の可能性があります)",
    ),
    "file.no_sheets": ("the workbook has no sheet", "ブックにシートがありません"),
    "file.shared_string": (
        "cell {cell} names shared string {index}, which the workbook does not have (its table "
        "holds {count}, numbered from 0): the file is damaged or was not written by Excel",
        "セル{cell}が共有文字列の{index}番を指していますが、ブックにはありません (0番から"
        "{count}個): ファイルが壊れているか、Excel 以外で作られたものです",
    ),
    "file.only_hidden_sheets": (
        "every sheet is hidden ({sheets}): name the one to read with --sheet",
        "すべてのシートが非表示です ({sheets})。読むシートを --sheet で指定してください",
    ),
    "row.extra_fields": (
        "the row has {fields} fields; the header has {header} (a comma inside a value needs"
        " quotes)",
        "この行には項目が{fields}個あります。見出しは{header}個です (値の中のカンマは"
        "引用符で囲んでください)",
    ),
    "file.too_many_rows": (
        "the file has more than {limit:,} rows: split it",
        "行数が上限 ({limit:,}) を超えています: ファイルを分けてください",
    ),
    "file.no_sheet": (
        "no sheet {sheet!r}; the workbook has: {sheets}",
        "シート「{sheet}」がありません。ブックにあるシート: {sheets}",
    ),
    "file.no_fy_sheet": (
        "no sheet for FY{fy}; the workbook's FY sheets are {sheets} (another: --sheet)",
        "FY{fy}のシートがありません。ブックの年度のシート: {sheets} (別のシートは --sheet で)",
    ),
    "file.sheet_of_other_fy": (
        "sheet {sheets} holds another FY's rows than FY{fy}: choose the FY's sheet, or leave out"
        " --fy",
        "シート{sheets}は FY{fy}ではない年度の行です: その年度のシートを選ぶか、--fy を外して"
        "ください",
    ),
    "file.no_list_sheet": (
        "no sheet of the workbook is a list this method reads",
        "ブックに、この算定方法で読める一覧のシートがありません",
    ),
    "file.sheet_for_csv": (
        "--sheet applies to Excel workbooks only",
        "--sheet は Excel ブックにだけ使えます",
    ),
    "file.empty": ("the sheet has no header row", "見出し行がありません"),
    "out.directory": (
        "--out names a directory: name the results file, ending in {formats}",
        "--out がディレクトリです: 結果のファイル名 ({formats}のいずれかで終わる名前) を指定"
        "してください",
    ),
    "out.format": (
        "--out ends in {suffix}: the results are written as {formats}",
        "--out の拡張子{suffix}では書けません: 結果は{formats}のいずれかで書きます",
    ),
    "file.cannot_write": ("cannot write the results: {reason}", "結果を書き込めません: {reason}"),
    # headers
    "header.duplicate": (
        "the header {header!r} appears more than once (columns {letters}): keep one",
        "見出し「{header}」が複数あります ({letters}列): 1つにしてください",
    ),
    "header.one_of": (
        "give only one of {names} (they are the same column)",
        "{names}は同じ列を表します: 1つだけにしてください",
    ),
    "header.missing": (
        "required column is missing ({names}); columns found: {found}",
        "必須の列がありません ({names})。見つかった列: {found}",
    ),
    "header.missing_municipality": (
        "required column is missing ({names}); columns found: {found}. A list of one"
        " municipality's own: give it for the whole file (offset calc --municipality 202029; a"
        ' scenario project: municipality = "202029")',
        "必須の列がありません ({names})。見つかった列: {found}。1つの自治体だけの一覧なら、"
        "ファイル全体の自治体を指定してください (offset calc --municipality 202029、シナリオの"
        'プロジェクトでは municipality = "202029")',
    ),
    "header.unit": (
        "the header's unit {unit!r} does not convert to {expected!r}",
        "見出しの単位「{unit}」は{expected}に換算できません",
    ),
    "header.unit_case": (
        "the header's unit {unit!r} reads as {readings} (units differ by case): write one",
        "見出しの単位「{unit}」は{readings}のどれとも読めます (大文字と小文字で別の単位): どれかで書いてください",
    ),
    "header.map_unknown": (
        "the column map names {target!r}, which no method reads; known: {known}",
        "列の対応表にある「{target}」はどの方法でも使わない列名です。候補: {known}",
    ),
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
    "notice.other_municipality": (
        "rows {rows} name another municipality ({towns}) than {owner} ({where}): counted as"
        " this project's, credited to its owner; if they are not, leave them out of the file,"
        " or give each town its project with rows = {{ municipality = ... }}",
        "{rows}行目は{owner} ({where}) ではない自治体 ({towns}) の行ですが、このプロジェクトの"
        "行として数え、所有者のクレジットにしました。そうでなければファイルから除くか、"
        "自治体ごとのプロジェクトに rows = {{ municipality = ... }} を指定してください",
    ),
    "notice.municipality_as_written": (
        "municipalities not in the list of local governments ({edition}) for their prefecture,"
        " kept as written: {values}",
        "地方公共団体の一覧 ({edition}) で都道府県と合う自治体が見つからず、書かれたとおりに"
        "扱いました: {values}",
    ),
    "notice.previous_matched": (
        "{count} stands matched in the earlier register by 林小班",
        "前回の森林簿と林小班で{count}林分を照合しました",
    ),
    "notice.previous_split": (
        "stands divided since, each taking the stock per ha of the stand it came from: {stands}",
        "前回から分割された林分 (元の林分の ha 当り蓄積を使用): {stands}",
    ),
    "notice.previous_joined": (
        "stands joined since, each taking its parts' area-weighted stock per ha: {stands}",
        "前回から合併された林分 (元の林分の面積加重の ha 当り蓄積を使用): {stands}",
    ),
    "notice.previous_new": (
        "stands not in the earlier register (their growth needs another way): {stands}",
        "前回の森林簿にない林分 (成長量は別の方法で): {stands}",
    ),
    "notice.previous_gone": (
        "stands of the earlier register not in this one (harvested, renumbered?): {stands}",
        "今回の森林簿にない前回の林分 (伐採・番号変更?): {stands}",
    ),
    "notice.month_only": (
        "{column}: a month without its day (R6.9, 2024年9月) read as the month's 1st in rows {rows}",
        "{column}: 日のない年月 (R6.9、2024年9月) は月の1日として読みました ({rows}行目)",
    ),
    "notice.code_and_name": (
        "the municipality is read from {code}; {name} is compared with it",
        "市町村は{code}から読み、{name}はそれと照合しました",
    ),
    "value.name_not_code": (
        "{name!r} is not the municipality of code {code} (it names {place}): correct one of them",
        "「{name}」は団体コード{code}の市町村ではありません ({place}): どちらかを直してください",
    ),
    "notice.constant": (
        "{column} {value} for every row ({where})",
        "全行の{column}を{value}としました ({where})",
    ),
    "value.fy_of_sheet": (
        "the row's FY{fy} is not its sheet's: sheet {sheet!r} holds FY{sheet_fy}'s rows",
        "行は FY{fy}の行で、シートの年度と違います: シート「{sheet}」は FY{sheet_fy}の行です",
    ),
    "row.repeats": (
        "repeats row {row}: the same {what} {value!r}{fy} (a thing is counted once; to count"
        ' the first row only, a scenario project takes duplicates = "first", offset calc'
        " --duplicates first)",
        "{row}行目と同じ{what}「{value}」{fy}の行です (重複は1回だけ数えます。最初の行だけを"
        '数えるなら、シナリオのプロジェクトに duplicates = "first"、offset calc では'
        " --duplicates first)",
    ),
    "row.same_thing": (
        "the same as row {row} under another identifier ({ids} {theirs!r} there, {mine!r}"
        " here): {compared} are all equal",
        "{row}行目と同じものが別の番号で入っています ({ids}: {row}行目は「{theirs}」、この行は"
        "「{mine}」): {compared}がすべて同じです",
    ),
    "row.look_alike": (
        "the same as row {row} in every column but {ids} ({theirs!r} there, {mine!r} here):"
        " a row pasted under a new number? (--duplicates strict refuses it; a genuine twin"
        " differs in a column such as an address or a note)",
        "{row}行目と{ids}以外のすべての列が同じです ({row}行目は「{theirs}」、この行は「{mine}」):"
        " 行を貼り付けて番号だけ変えていませんか (--duplicates strict で受け付けません。"
        "本当に別の設備なら住所や備考の列で区別してください)",
    ),
    "notice.look_alike": (
        "{where}: rows {pairs} are equal in every column but {ids}: a row pasted under a new"
        " number is counted twice; if they are one system, delete one; if two, tell them"
        ' apart in a column such as an address or a note (duplicates = "strict" refuses'
        " such rows)",
        "{where}: {pairs}行目は{ids}以外のすべての列が同じです。行を貼り付けて番号だけ変えた"
        "なら二重に数えています: 同じ設備なら1行を削除し、別の設備なら住所や備考の列で区別して"
        'ください (duplicates = "strict" ではこうした行を受け付けません)',
    ),
    "what.prefecture": ("prefecture", "都道府県"),
    "what.municipality": ("municipality", "自治体"),
    "what.species": ("species", "樹種"),
    "what.site_class": ("site class (地位)", "地位"),
    "what.value": ("value", "値"),
    "rows.more": (
        "... and {count} more rows with the problem of row {row}",
        "... ほか{count}行に{row}行目と同じ問題があります",
    ),
    "fy.missing": (
        "no fiscal year: give --fy or an fy column",
        "年度がありません: --fy か年度の列を指定してください",
    ),
    # notices
    "notice.sheet": (
        "read sheet {sheet!r} (the workbook has {sheets}); choose another with --sheet",
        "シート「{sheet}」を読みました (ブックのシート: {sheets})。別のシートは --sheet で",
    ),
    "notice.hidden_rows": (
        "read the hidden rows {rows} of sheet {sheet!r} as well: delete them if they are no "
        "part of the list",
        "シート「{sheet}」の非表示の行{rows}も読みました。一覧に含めない行なら削除してください",
    ),
    "notice.hidden_columns": (
        "read the hidden columns {columns} of sheet {sheet!r} as well: delete them if they are "
        "no part of the list",
        "シート「{sheet}」の非表示の列{columns}も読みました。一覧に含めない列なら削除してください",
    ),
    "notice.hidden_sheets": (
        "left out the hidden sheets {sheets}; to read one, name it with --sheet",
        "非表示のシート{sheets}は読みませんでした。読むには --sheet で指定してください",
    ),
    "notice.repeats_dropped": (
        "left out rows {rows}: they repeat earlier rows (duplicates = first)",
        "{rows}行目を除きました: 前の行の重複です (duplicates = first)",
    ),
    "notice.fy_sheets": (
        "read the FY sheets {sheets}, each as its FY's rows; one FY alone: --fy or --sheet",
        "年度のシート{sheets}を、それぞれその年度の行として読みました。1つの年度だけなら --fy か --sheet で",
    ),
    "notice.other_fy_sheets": (
        "left out the sheets of other FYs than FY{fy}: {sheets}",
        "FY{fy}以外の年度のシートは読みませんでした: {sheets}",
    ),
    "notice.sheet_without_header": (
        "left out sheet {sheet!r}: no header offset knows",
        "シート「{sheet}」は読みませんでした: 分かる見出しがありません",
    ),
    "calc.kept_going": (
        "--keep-going: computed {computed} rows; refused {refused} rows ({problems} problems)",
        "--keep-going: {computed}行を計算し、{refused}行を除きました (問題{problems}件)",
    ),
    "notice.sheet_not_a_list": (
        "left out sheet {sheet!r}: it lacks the columns of a list ({columns})",
        "シート「{sheet}」は読みませんでした: 一覧の列がありません ({columns})",
    ),
    "notice.skipped": ("skipped rows {rows}: {why}", "{rows}行目を読み飛ばしました: {why}"),
    "notice.title": ("above the header row", "見出し行より上の行"),
    "notice.total": ("a total row ({label})", "合計の行 ({label})"),
    "notice.blank": ("blank", "空行"),
    "notice.header": (
        "header found in row {row}{two}: {columns}",
        "見出し行は{row}行目{two}: {columns}",
    ),
    "notice.two_rows": (" (two rows, flattened)", " (2段の見出しを結合)"),
    # the columns a file has that no input column of the method reads (`intake.unread`)
    "notice.in_sheet": ("{file}, sheet {sheet!r}", "{file}のシート「{sheet}」"),
    "notice.unread_columns": (
        "{where}: columns not read (no input column of the method has these headers): {columns}",
        "{where}: 読み込まなかった列 (計算方法の入力列にない見出し): {columns}",
    ),
    "notice.unread_meant": (
        "{where}: column {letter} {header!r} was not read; if it means {meant!r} (column"
        " {column}), write that header or map it in a --columns file",
        "{where}: {letter}列「{header}」は読み込んでいません。「{meant}」({column}列) のことなら、"
        "その見出しに直すか --columns のファイルで対応付けてください",
    ),
    "notice.unnamed_columns": (
        "{where}: columns {letters} hold values under no header: not read",
        "{where}: {letters}列は見出しがないため、値を読み込んでいません",
    ),
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
        "入力データが変わりました (sha256 {old} → {new}、行数{rows_before} → {rows_after})",
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
    # what `offset run` says when it is done
    "cli.dry_run": (
        "Dry run: {count} transactions would be posted ({there} already in the ledger); nothing"
        " was written.",
        "試行: {count}件の取引を記録する予定です (台帳に記録済み{there}件)。何も書き込んで"
        "いません。",
    ),
    "cli.unchanged": (
        "Nothing changed since the last run (the same inputs, factor tables and offset; nothing"
        " posted to the ledger since): nothing was computed again, the scenario's entries were"
        " verified up to the chain head, and the report is the one that run wrote.",
        "前回の実行から変更はありません (入力・係数表・offset が同じで、その後台帳への記録もありません):"
        " 再計算はせず、このシナリオの取引を台帳の最新の記録まで検証しました。"
        "レポートは前回の実行で作成したものです。",
    ),
    "cli.nothing_new": (
        "Nothing new: all {there} transactions of this scenario were already in the ledger (a"
        " re-run posts nothing twice).",
        "新しい取引はありません: このシナリオの取引{there}件はすべて台帳に記録済みです"
        " (再実行しても二重には記録しません)。",
    ),
    "cli.posted": (
        "Posted {count} transactions to the ledger{again}.",
        "台帳に{count}件の取引を記録しました{again}。",
    ),
    "cli.posted_again": ("; {there} were already there", " (記録済み{there}件)"),
    "cli.warning": ("warning: {text}", "注意: {text}"),
    "cli.more_warnings": (
        "... {count} more warnings in the report",
        "... ほか{count}件の注意事項は報告書にあります",
    ),
    "cli.ledger": ("ledger: {where}", "台帳: {where}"),
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
    "solar.no_grid": (
        "no grid factor for FY{fy}: its year rule takes the FY{wanted} list, and the tables"
        " have no list of that FY or earlier for this row's supplier nor a national average;"
        " add it with offset factors import-grid, or give the row's own"
        " grid_factor_t_co2_per_kwh",
        "{fy}年度の電力排出係数がありません: 年度規則は{wanted}年度の一覧を使いますが、表にはこの行の"
        "事業者にも全国平均にも、その年度以前の一覧がありません。offset factors import-grid で"
        "取り込むか、この行の排出係数 (grid_factor_t_co2_per_kwh) を入れてください",
    ),
    "cli.no_ledger": (
        "no ledger at {where}: nothing was read or created. offset run keeps its ledger in"
        " OUT/ledger.db (or the scenario's database): give it with offset ledger --db URL.",
        "{where}に台帳がありません (何も読まず、作成もしていません)。offset run の台帳は"
        " OUT/ledger.db (またはシナリオの database) にあります。offset ledger --db URL で"
        "指定してください。",
    ),
    # signing keys and checkpoint files (`ledger/checkpoint.py`'s CheckpointError)
    "checkpoint.key_exists": (
        "{path} exists: a key is never overwritten",
        "{path}は既にあります: 鍵は上書きしません",
    ),
    "checkpoint.unreadable": ("{path}: {reason}", "{path}: {reason}"),
    "checkpoint.not_private_pem": (
        "{path}: not an unencrypted PEM private key",
        "{path}: 暗号化されていない PEM 形式の秘密鍵ではありません",
    ),
    "checkpoint.not_ed25519_private": (
        "{path}: not an Ed25519 key (make one with `offset ledger keygen`)",
        "{path}: Ed25519 の鍵ではありません (offset ledger keygen で作ってください)",
    ),
    "checkpoint.not_public_pem": (
        "{path}: not a PEM public key",
        "{path}: PEM 形式の公開鍵ではありません",
    ),
    "checkpoint.not_ed25519_public": (
        "{path}: not an Ed25519 public key",
        "{path}: Ed25519 の公開鍵ではありません",
    ),
    "checkpoint.empty_ledger": (
        "the ledger holds no history yet: nothing to checkpoint",
        "台帳にまだ記録がありません: チェックポイントにするものがありません",
    ),
    "checkpoint.too_large": (
        "{path}: larger than {limit:,} bytes, not a checkpoint",
        "{path}: {limit:,}バイトを超えています。チェックポイントではありません",
    ),
    "checkpoint.bad_signature": (
        "{path}: the signature does not match the statement",
        "{path}: 署名が内容と一致しません",
    ),
    "checkpoint.not_checkpoint": (
        "{path}: not a checkpoint file ({error})",
        "{path}: チェックポイントのファイルではありません ({error})",
    ),
    "checkpoint.wrong_format": (
        "{path}: not a {format} checkpoint",
        "{path}: {format}のチェックポイントではありません",
    ),
    "checkpoint.other_key": (
        "{path}: signed by another key than the one trusted",
        "{path}: 信頼する鍵とは別の鍵で署名されています",
    ),
    "checkpoint.unverified": (
        "the ledger does not verify ({count} discrepancies, the first: {first}): no checkpoint"
        " is signed",
        "台帳の検証で{count}件の不一致があります (最初の1件: {first})。チェックポイントには"
        "署名していません",
    ),
    # why a file could not be read or written (`os_reason`; else the system's own words)
    "os.not_found": ("no such file or directory", "ファイルまたはディレクトリがありません"),
    "os.denied": ("permission denied", "アクセスが許可されていません"),
    "os.is_directory": ("is a directory", "ディレクトリです"),
    "os.not_directory": ("not a directory", "ディレクトリではありません"),
    "os.exists": ("file exists", "ファイルが既にあります"),
    "os.no_space": ("no space left on device", "ディスクの空きがありません"),
    "cli.db_twice": (
        "two ledgers given: --db {before} before the command and --db {after} after it; give"
        " one (nothing was read or written)",
        "台帳が2つ指定されています: コマンドの前に --db {before}、後に --db {after}。"
        "どちらか1つにしてください (何も読み書きしていません)",
    ),
    "cli.programme_members": (
        "{name}: {members} members, {counted} counted",
        "{name}: 参加者{members}件、算定対象{counted}件",
    ),
    "cli.programme_refused": ("refused: row {row}: {why}", "対象外: {row}行目: {why}"),
    "cli.certificate_written": ("certificate: {where}", "証明書: {where}"),
    "cli.keygen": (
        "private key {key} (keep it), public key {public} (give it to who checks)",
        "秘密鍵{key} (保管してください)、公開鍵{public} (照合する人に渡してください)",
    ),
    "cli.checkpoint_written": (
        "checkpoint of seq {seq}: {where}",
        "seq {seq}のチェックポイント: {where}",
    ),
    "cli.backup": (
        "backup: {where} (verified; head seq {seq} hash {hash})",
        "バックアップ: {where} (検証済み、最新 seq {seq}ハッシュ{hash})",
    ),
    "cli.replayed": (
        "{count} of {total} operations replayed",
        "{total}件中{count}件の操作を再適用しました",
    ),
    "cli.schema_latest": (
        "{where}: schema at the latest revision",
        "{where}: スキーマは最新の版です",
    ),
    "cli.report": ("report: {where}", "報告書: {where}"),
    "cli.restated": (
        "FYs issued before whose credits changed (restated)",
        "発行済みの年度でクレジット量が変わったもの (再計算しました)",
    ),
    "cli.would_restate": (
        "FYs issued before whose credits changed (would restate)",
        "発行済みの年度でクレジット量が変わったもの (再計算の予定)",
    ),
    "cli.restatement_columns": (
        "FY|project|before|after|issued|reversed|cancelled|owed",
        "年度|プロジェクト|再計算前|再計算後|追加発行|回収|取消|不足",
    ),
    # `offset ledger statement` and `verify`
    "cli.statement": ("statement of {account}", "{account}の取引明細"),
    "cli.verifies": ("ok: {where} verifies{proved}", "正常: {where}の検証に成功しました{proved}"),
    "cli.checkpoints_hold": (
        "; {count} checkpoint(s) hold",
        "。チェックポイント{count}件と一致します",
    ),
    "cli.discrepancies": (
        "{count} discrepancies in {where}",
        "{where}に{count}件の不一致があります",
    ),
    "cli.verify_summary": (
        "{entries:,} entries, {postings:,} postings, head seq {seq} hash {hash}",
        "記録{entries:,}件、仕訳{postings:,}件、最新 seq {seq}ハッシュ{hash}",
    ),
    "cli.signer_unchecked": (
        "signer unchecked: a checkpoint's signature was checked against the key it carries,"
        " which anyone can make; give --trust KEY.pub to require the signer's own key",
        "署名者は未確認です: チェックポイントの署名は、それ自体に含まれる鍵 (誰でも作れます) で"
        "確認しました。署名者本人の鍵を確かめるには --trust KEY.pub を指定してください",
    ),
    "cli.verify_since": (
        " (read from seq {seq} on; before, the checkpoint's state)",
        " (seq {seq}以降を読みました。それより前はチェックポイントの状態です)",
    ),
    # a document whose ledger entries do not verify (`offset.ledger.proof`)
    "proof.entry": ("ledger entry seq {seq} ({id})", "台帳の記録 seq {seq} ({id})"),
    "proof.report": ("this report's ledger entries", "この報告書の台帳の記録"),
    "proof.statement": ("the statement of {account}", "{account}の取引明細"),
    "proof.more": (" (and {count} more)", " (ほか{count}件)"),
    "proof.refused": (
        "{what} does not verify: {problem}{more}; it was not printed. `offset ledger verify`"
        " lists every discrepancy.",
        "{what}を検証できません: {problem}{more}。発行していません。"
        "`offset ledger verify` ですべての不一致を確認できます。",
    ),
    "proof.unverified": (
        "NOT VERIFIED: {what} does not verify against the ledger's chain at {entry}: {problem}"
        "{more}",
        "未検証: {what}は台帳の記録の連鎖と一致しません ({entry}): {problem}{more}",
    ),
    "cli.report_unverified": (
        "{entry} does not verify: the report was written marked NOT VERIFIED, not as true."
        " `offset ledger verify` lists every discrepancy.",
        "{entry}を検証できません: 報告書は「未検証」と明記して書き出しました。"
        "`offset ledger verify` ですべての不一致を確認できます。",
    ),
    "warn.csv_encoding": (
        "tables/ written as utf-8-sig, not {encoding}: {reason}",
        "tables/ は{encoding}ではなく utf-8-sig で書き出しました: {reason}",
    ),
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
    # a verifier's review result (`programme.model.Verification.finding`; the key is English's
    # word), as documents and the CLI print it
    "finding.accepted": ("accepted", "承認"),
    "finding.adjusted": ("adjusted", "修正のうえ承認"),
    "finding.rejected": ("rejected", "不承認"),
    "finding.none": ("not verified", "未審査"),
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
CATALOGUE.update(VERIFY)  # `offset ledger verify`'s words, in a module of their own
CATALOGUE.update(
    {
        f"restate.{key}": (
            f"{en} by {{body}} on {{date}}",
            f"{{body}}による{{date}}の審査結果: {ja}",
        )
        for key, (en, ja) in CATALOGUE.items()
        if key.startswith("finding.") and key != "finding.none"
    }
)  # fmt: skip  (a review's result is a word of the message: a stored message nests no deeper)

# The methods' own checks, by their English text (plain strings in the methods): Japanese.
PLAIN: dict[str, str] = {
    "no fiscal year: give --fy or an fy column": "年度がありません: --fy か年度の列を指定してください",
    "the age is stated for an FY that has not begun": "林齢の基準年度がまだ始まっていない年度です",
    "the stand was not yet planted in this FY (its age here would be below 1)": "この年度にはまだ植栽されていません (林齢が1未満になります)",
    "give age_yr, age_class or planted_fy": "林齢か齢級か植栽年度を入れてください",
    "a share below 1 needs a second species (species_2, or スギ・ヒノキ in the species cell)": "1未満の樹種比率には第2樹種が要ります (混交樹種の列か、樹種欄に「スギ・ヒノキ」の形で)",
    "planted after the FY": "植栽年度が算定年度より後です",
    "give the FY of the earlier stock (前回調査年度)": "前回蓄積の年度 (前回調査年度) を入れてください",
    "give the stock now (蓄積) beside the earlier one": "前回蓄積と並べて今の蓄積を入れてください",
    "the earlier stock's FY must be before the stock's (基準年度, else the FY)": "前回調査年度は蓄積の年度 (基準年度、なければ算定年度) より前にしてください",
    "must be above 0": "0 より大きくしてください",
    "no emission factor for this row's carrier and FY": "この行のエネルギー種別と年度の排出係数がありません",
    "no emission factor for this carrier and FY": "このエネルギー種別と年度の排出係数がありません",
    "give ua_after_w_m2k, or target_grade with climate_zone or prefecture": "改修後UA値か、断熱等性能等級と地域区分 (または都道府県) を入れてください",
    "UA after is above UA before": "改修後UA値が改修前UA値より大きくなっています",
    "give hdd_kday or a known location": "暖房度日か、既知の観測地点を入れてください",
    "give a positive heating_efficiency or a known heating_appliance": "正の暖房効率か、既知の暖房機器を入れてください",
    "give energy_carrier or a known heating_appliance": "暖房エネルギーか、既知の暖房機器を入れてください",
    "decommissioned on or before the commissioning date": "撤去日が設置日以前です",
    "self-consumption is above metered generation": "自家消費量が実績発電量を上回っています",
    "self-consumption is above the modelled generation: give the metered generation_kwh": "自家消費量が推計発電量を上回っています: 実績の発電量を入れてください",
    "--strict-factors: a factor value of this row is marked unverified": "--strict-factors: この行の係数に未確認 (unverified) の値があります",
    # the fallback steps of factors/tables.toml, by their label (`warn.fallback`'s rule)
    "the same row of an earlier FY's list (stale)": "前年度以前の表の同じ行 (古い係数)",
    "the supplier's company-wide row of an earlier FY's list (stale)": "前年度以前の表の事業者全体の行 (古い係数)",
    "the supplier's company-wide ((参考値)事業者全体) row: no residual row": "事業者全体 ((参考値)事業者全体) の行 (残差の行がないため)",
    "the supplier's residual (残差) row: its menu is not in the list": "事業者の残差の行 (メニューが表にないため)",
    "the 代替値 of the FY: the supplier is not in the FY's list": "その年度の代替値 (事業者がその年度の表にないため)",
    "the national average of the FY's list or an earlier one's (no row and no 代替値 of the FY)": "その年度 (または前年度以前) の表の全国平均 (行も代替値もないため)",
}

_LANG: contextvars.ContextVar[Lang | None] = contextvars.ContextVar("offset_lang", default=None)


def lang_of(value: str | None) -> Lang | None:
    """One of our languages from a code as given (`ja`, `ja_JP`, `EN`), else None."""
    code = (value or "").strip().lower()[:2]
    return "ja" if code == "ja" else "en" if code == "en" else None


def detect(explicit: str | None = None) -> Lang:
    """The language to print in: `explicit`, then OFFSET_LANG, then the locale, then English."""
    for candidate in (explicit, os.environ.get("OFFSET_LANG")):
        if (lang := lang_of(candidate)) is not None:
            return lang
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def current() -> Lang:
    return _LANG.get() or detect()


@contextmanager
def use(lang: Lang) -> Iterator[None]:
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def set_language(lang: Lang) -> None:
    """Choose the language for the rest of this command (the CLI's entry points)."""
    _LANG.set(lang)


class Msg(str):
    """A catalogued message: the English text as a ``str``, renderable in Japanese."""

    key: str
    params: Mapping[str, object]

    def __new__(cls, key: str, /, **params: object) -> Msg:
        self = super().__new__(cls, _format(key, "en", params))
        self.key = key
        self.params = params
        return self

    def render(self, lang: Lang | None = None) -> str:
        return _format(self.key, lang or current(), self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        # A str subclass pickles as its text; a worker process (`verify`) sends the message.
        return (_message, (self.key, dict(self.params)))


def _message(key: str, params: dict[str, object]) -> Msg:
    return Msg(key, **params)


def stored(message: Msg) -> list[Any]:
    """A message as JSON keeps it (in the ledger: a restatement's reasons): `[key, params]`, a
    parameter that is itself a message as `{"msg": [key, params]}`."""
    params = {
        name: {"msg": stored(value)} if isinstance(value, Msg) else value
        for name, value in message.params.items()
    }
    return [message.key, params]


def from_stored(value: Any) -> Msg:
    """The message `stored` kept (KeyError, TypeError or ValueError if it is not one)."""
    key, params = value
    if not isinstance(key, str) or not isinstance(params, dict):
        raise TypeError(value)
    if key == "restate.finding" and isinstance(params.get("finding"), str):  # written before
        params = {k: v for k, v in params.items() if k != "finding"}
        key = f"restate.finding.{value[1]['finding']}"
    return Msg(key, **{
        name: from_stored(item["msg"]) if isinstance(item, dict) and set(item) == {"msg"} else item
        for name, item in params.items()
    })  # fmt: skip


def _format(key: str, lang: Lang, params: Mapping[str, object]) -> str:
    english, japanese = CATALOGUE[key]
    values = {k: visible(localized(v, lang)) for k, v in params.items()}
    if lang == "ja":
        return spaced(japanese, values)
    return english.format(**values)


# A Japanese letter (kana, kanji; not punctuation: 「、。 take no space) and a figure (a number,
# a date, a time: it meets its counter or particle directly, as in 3件, 2024年度).
JAPANESE_LETTER = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆]")
FIGURE = re.compile(r"[-+]?\d[\d,.:/-]*%?(?:, [-+]?\d[\d,.:/-]*%?)*")  # 3-4, 7: a list too
_FORMATTER = string.Formatter()


def spaced(template: str, values: Mapping[str, object]) -> str:
    """A Japanese template filled in, with one space where a field's value begins or ends with
    Latin text (an id, a code, a path) and meets a Japanese letter of the template (DEVELOPERS.md,
    "Japanese text"): a template puts no space between a field and Japanese, since only the
    value tells whether one belongs (松本市を, matsumoto-pv を, 3件). A fiscal year a Japanese
    template writes FY{fy} is written {fy}年度, as the report names it (`japanese_years`)."""
    template = japanese_years(template)
    out: list[str] = []
    latin_end = False  # the last field's value ends with Latin text
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        if latin_end and literal and JAPANESE_LETTER.match(literal[0]):
            out.append(" ")
        out.append(literal)
        latin_end = False
        if field is None:
            continue
        value, _ = _FORMATTER.get_field(field, (), values)
        piece = _FORMATTER.format_field(_FORMATTER.convert_field(value, conversion), spec or "")
        latin = bool(piece) and not FIGURE.fullmatch(piece)
        before = literal[-1:]  # a field right after a field: no space
        if latin and _latin(piece[0]) and JAPANESE_LETTER.match(before):
            out.append(" ")
        out.append(piece)
        latin_end = latin and _latin(piece[-1])
    return "".join(out)


_FY_FIELD = re.compile(r"(?:(?<=[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆]) )?FY(\{[^{}]*\})")


@lru_cache(maxsize=4096)
def japanese_years(template: str) -> str:
    """The one rule for a fiscal year in Japanese: a Japanese template's (one with a Japanese
    letter) `FY{fy}` is `{fy}年度` (and 年度 FY{fy}が is 年度{fy}年度が: no space beside a
    field); an English template, which the dashboard fills through `spaced` too, is unchanged."""
    if "FY{" not in template or not JAPANESE_LETTER.search(template):
        return template
    return _FY_FIELD.sub(r"\1年度", template)


def _latin(character: str) -> bool:
    return "!" <= character <= "~"  # printable ASCII (a control character is no text)


_OS_REASONS: dict[int, str] = {
    errno.ENOENT: "os.not_found",
    errno.EACCES: "os.denied",
    errno.EPERM: "os.denied",
    errno.EISDIR: "os.is_directory",
    errno.ENOTDIR: "os.not_directory",
    errno.EEXIST: "os.exists",
    errno.ENOSPC: "os.no_space",
}


def os_reason(error: OSError) -> str:
    """Why a file could not be used, as a message (the system's own words, which are English
    whatever the locale, when the catalogue does not know the error)."""
    key = _OS_REASONS.get(error.errno or 0)
    return Msg(key) if key else (error.strerror or str(error))


# Control characters a user's text may carry (a NUL of a binary file read as CSV, an escape
# sequence, a bidi override that reorders the line a terminal shows), but a message must not
# echo: each is shown as its escape, \x00. A tab and a line break are left as they are.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(value: object) -> object:
    """A parameter with its control characters escaped: every message's values pass here, the
    one place user text (a header, a cell, a file name) enters a message."""
    if isinstance(value, str) and _CONTROL.search(value):
        return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
    return value


def localized(value: object, lang: Lang | None = None) -> object:
    """A parameter as `lang` shows it: nested messages render in that language."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, str) and (lang or current()) == "ja":
        return PLAIN.get(value, value)  # a plain English phrase the catalogue knows
    return value


def text(message: str, lang: Lang | None = None) -> str:
    """Any message (catalogued, or a method's plain English) as `lang` shows it."""
    if isinstance(message, Msg):
        return message.render(lang)
    if (lang or current()) == "ja":
        return PLAIN.get(message, message)
    return message
