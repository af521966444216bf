"""The words of what offset says about a user's files: where a problem is, a file, its rows and
headers, the notices of how it was read, `offset calc`'s outputs.

A part of the message catalogue (`offset.common.messages.CATALOGUE`, the one lookup): key:
(English, Japanese), the same {name} placeholders in both."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # where a problem is
    "where.row": ("row {row}", "{row}行目"),
    "where.column": ("column {column!r}", "列「{column}」"),
    # a column the file lacks, named as the reader knows it: offset's name, the office's header
    "column.header": ("{column}", "{column_ja}"),
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
    "notice.constant": (
        "{column} {value} for every row ({where})",
        "全行の{column}を{value}としました ({where})",
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
        "{where}: {pairs}は{ids}以外のすべての列が同じです。行を貼り付けて番号だけ変えた"
        "なら二重に数えています: 同じ設備なら1行を削除し、別の設備なら住所や備考の列で区別して"
        'ください (duplicates = "strict" ではこうした行を受け付けません)',
    ),
    # rows named in pairs (a look-alike notice): "3 & 9, 4 & 12 (+2)", 「3行目と9行目、4行目と12行目 ほか2組」
    "rows.pair": ("{first} & {second}{rest}", "{first}行目と{second}行目{rest}"),
    "rows.pair_next": (", {first} & {second}{rest}", "、{first}行目と{second}行目{rest}"),
    "rows.pairs_more": (" (+{count})", " ほか{count}組"),
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
}
