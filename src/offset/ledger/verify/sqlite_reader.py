"""A helper process that reads a SQLite file as Arrow, for the columnar chain pass
(`ahead.Helper` starts it as a script: it imports nothing of offset).

ADBC's SQLite driver reads rows into Arrow in C, 2-3 times cheaper than Python's `sqlite3`
module and their conversion. It links a second copy of SQLite, which must never run in the
process that holds the ledger's own connections: a second copy closing the file drops the
first's POSIX locks (SQLite's "how to corrupt" list, 2.2.1). POSIX locks belong to a process,
so in a process of its own it is one more reader, like any other.

Protocol: the database's path is the first argument. Each line on stdin is a JSON list of
SELECT statements; all run in one read transaction (one snapshot of the WAL, from the first
statement to the end), and each statement's result is written to stdout as a signed 8-byte
length and that many bytes of an Arrow IPC stream; a length of -1: the statement failed (a
value of another type than the column's first rows, text that is not UTF-8), and the caller
reads the range itself.
"""

from __future__ import annotations

import json
import struct
import sys
from urllib.parse import quote


def main() -> None:
    import adbc_driver_sqlite
    import pyarrow as pa
    from adbc_driver_manager import AdbcConnection, AdbcDatabase, AdbcStatement

    uri = f"file:{quote(sys.argv[1])}?mode=ro"  # never writes, never creates the file
    out = sys.stdout.buffer
    driver = adbc_driver_sqlite._driver_path()
    with AdbcDatabase(driver=driver, uri=uri) as database, AdbcConnection(database) as connection:
        connection.set_autocommit(False)  # one transaction: every piece one snapshot
        for line in sys.stdin:
            for query in json.loads(line):
                try:
                    with AdbcStatement(connection) as statement:
                        statement.set_sql_query(query)
                        stream, _ = statement.execute_query()
                        reader = pa.RecordBatchReader._import_from_c(stream.address)
                        sink = pa.BufferOutputStream()
                        with pa.ipc.new_stream(sink, reader.schema) as writer:
                            for batch in reader:
                                writer.write_batch(batch)
                        data = sink.getvalue()
                except Exception:  # the caller reads this range itself
                    out.write(struct.pack("<q", -1))
                else:
                    out.write(struct.pack("<q", data.size))
                    out.write(data)
            out.flush()


if __name__ == "__main__":
    main()
