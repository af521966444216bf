"""The words of the command line: `offset run`'s and the ledger commands' lines, checkpoints,
the operating system's reasons, a document's proof against the ledger.

A part of the message catalogue (`offset.common.messages.CATALOGUE`, the one lookup): key:
(English, Japanese), the same {name} placeholders in both."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
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
        " verified up to the chain head and its credit figures read from the ledger again; the"
        " report is the one that run wrote ({written}).",
        "前回の実行から変更はありません (入力・係数表・offset が同じで、その後台帳への記録もありません):"
        " 再計算はせず、このシナリオの取引を台帳の最新の記録まで検証し、クレジットの数値を台帳から読み直しました。"
        "レポートは前回の実行 ({written}) で作成したものです。",
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
        "バックアップ: {where} (検証済み、最新 seq {seq}、ハッシュ{hash})",
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
    "cli.statement_balances": (
        "balances of {account} over the period (every class held, moved or not)",
        "{account}の期間の残高(動きのないクラスも含む保有クラスすべて)",
    ),
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
        "記録{entries:,}件、仕訳{postings:,}件、最新 seq {seq}、ハッシュ{hash}",
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
    "proof.retirements": ("the list of retirements", "無効化の一覧"),
    "proof.balances": ("the balances", "残高"),
    "proof.balance": (
        "{account} {project} {vintage}: the balance {shown} is not what its last entry left"
        " ({left})",
        "{account} {project} {vintage}年度: 残高{shown}が最後の記録の残高{left}と一致しません",
    ),
    "proof.agreements": ("what the agreements delivered", "協定の移転量と無効化量"),
    "proof.export": ("the ledger's export", "台帳のエクスポート"),
    "proof.more": (" (and {count} more)", " (ほか{count}件)"),
    "proof.period_sum": (
        "{project} {vintage}: opening {opening} + in {credited} - out {debited} is not the"
        " closing balance {closing}",
        "{project} {vintage}年度: 期首残高{opening} + 受入{credited} - 払出{debited}が"
        "期末残高{closing}と一致しません",
    ),
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
    # `offset factors show`: a table's columns, and the spellings of its keys an office's file
    # may write (where an unknown 樹種, fuel or appliance points it)
    **{
        f"factors.column.{column}": words
        for column, words in {
            "species": ("species", "樹種"),
            "parameter": ("parameter", "パラメータ"),
            "name_ja": ("name_ja", "名前"),
            "value": ("value", "値"),
            "unit": ("unit", "単位"),
            "confidence": ("confidence", "確度"),
            "published": ("published", "公表"),
            "publisher": ("publisher", "公表者"),
            "source": ("source", "出典"),
            "fy": ("fy", "年度"),
            "valid_from_fy": ("valid_from_fy", "適用開始年度"),
            "entity": ("entity", "事業者"),
            "menu": ("menu", "メニュー"),
            "kind": ("kind", "種類"),
            "fuel": ("fuel", "燃料"),
            "appliance": ("appliance", "暖房機器"),
            "region": ("region", "地域"),
            "prefecture": ("prefecture", "都道府県"),
            "key": ("key", "キー"),
            "spellings": ("accepted spellings", "読める書き方"),
            "table": ("table", "係数表"),
            "rows": ("rows", "行数"),
            "unverified": ("unverified", "未確認"),
            "keyed by": ("keyed by", "キー"),
            "description": ("description", "内容"),
            "rows used": ("rows used", "使った行"),
            "unverified rows": ("unverified rows", "未確認の行"),
            "stale": ("stale", "古い係数"),
            "stale rows": ("stale rows", "古い係数の行 (求めた年度)"),
        }.items()
    },
    "factors.tables_title": ("factor tables in {directory}", "{directory}の係数表"),
    "factors.used_title": ("factor rows used by {files}", "{files}の実行が使う係数の行"),
    "factors.unverified_in_use": (
        "{count} unverified factor rows in use (distinct per table)",
        "未確認の係数の行を使っています: {count}行 (表ごとに数えて)",
    ),
    "factors.stale_in_use": (
        "{count} factor rows stand in for a later FY's: the tables lack FY {years} (a grid"
        " list: offset factors import-grid LIST --into DIR, then factors = DIR)",
        "{count}行の係数が後の年度の係数の代わりに使われています。表にない年度: {years}"
        " (電気事業者別排出係数の一覧は offset factors import-grid LIST --into DIR で取り込み、"
        "シナリオに factors = DIR)",
    ),
    "factors.spellings": (
        "What a file may write for each {table} key (width, kana and case do not matter{example});"
        " your own words: [values.COLUMN] in a --columns file",
        "{table}の各キーに、ファイルに書ける値 (全角・半角、ひらがな・カタカナ、大文字・小文字は"
        "問いません{example})。独自の呼び方は --columns のファイルの [values.列名] で対応づけられます",
    ),
    "factors.spellings.example": (
        ": {half} and {hira} read as {name}",
        "。{half}、{hira}は{name}と読みます",
    ),
}
