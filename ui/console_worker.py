"""The SQL console's worker process: runs one checked query at a time where the operating system bounds it.

DuckDB's memory_limit bounds its buffer manager, not every allocation: a list function (`len(range(200000000))`,
`string_split` of a huge string) allocates outside it, and an interrupt does not stop it. So console queries do not
run in the server's process. ui/sql_console.py starts this file as its own interpreter (`python -I`, so nothing of
the project or the environment is imported) and talks to it over its stdin and stdout:

- At start the worker opens an in-memory database once (the allocator's arenas and thread stacks are then mapped),
  reads its own address-space size, and limits it with RLIMIT_AS to that size plus the headroom it was given: any
  allocation beyond fails inside DuckDB, which reports an OutOfMemoryException, and nothing can reach the server's
  memory. No file can be written (RLIMIT_FSIZE 0) and no core dumped (RLIMIT_CORE 0).
- Before each query its CPU limit (RLIMIT_CPU) is set to the CPU it has used plus the query's time limit: a worker
  whose server is gone still stops. The server itself kills the worker (SIGKILL) when the time limit passes.
- It opens the warehouse version it is sent read-only with the console's configuration (no external access,
  configuration locked, memory limit, one thread, no temp files), keeps it open for the next query of the same
  version and closes it after IDLE_CLOSE_SECONDS without a query (so a retired version's file is let go).
- The result (at most limit + 1 rows, at most max_bytes of Arrow buffers, checked batch by batch) goes back as an
  Arrow IPC stream.

Messages are frames: 8 bytes of big-endian length, then the body (JSON, or the Arrow stream after an ok header)."""
from __future__ import annotations

import json
import os
import resource
import select
import struct
import sys

IDLE_CLOSE_SECONDS = 30.0
BATCH_ROWS = 256


def _frame(out, body: bytes) -> None:
    out.write(struct.pack(">Q", len(body)))
    out.write(body)


def _read_exactly(fd: int, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _status(field: str) -> int:
    """A size from /proc/self/status in bytes (VmSize, VmRSS, VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class TooLarge(Exception):
    pass


def main() -> int:
    settings = json.loads(sys.argv[1])
    # The protocol keeps the original stdout; anything printed by a library goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    fd_in = sys.stdin.fileno()

    import duckdb
    import pyarrow as pa
    import pyarrow.ipc as ipc

    config = dict(settings["config"])
    warm = duckdb.connect(":memory:", config={k: v for k, v in config.items() if k != "lock_configuration"})
    warm.sql("SELECT range AS i, range::VARCHAR AS s FROM range(1000)").to_arrow_table()
    warm.close()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    address_space = _status("VmSize") + int(settings["headroom_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    _frame(out, json.dumps({"ready": True, "pid": os.getpid(), "address_space": address_space}).encode())

    con, con_path = None, None
    while True:
        readable, _, _ = select.select([fd_in], [], [], IDLE_CLOSE_SECONDS)
        if not readable:
            if con is not None:
                con.close()
                con, con_path = None, None
            continue
        head = _read_exactly(fd_in, 8)
        if head is None:
            return 0                                   # the server closed the pipe: done
        body = _read_exactly(fd_in, struct.unpack(">Q", head)[0])
        if body is None:
            return 0
        request = json.loads(body)
        cpu = int(_cpu_seconds() + float(request["cpu_seconds"])) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.RLIM_INFINITY))
        try:
            if con_path != request["path"]:
                if con is not None:
                    con.close()
                    con, con_path = None, None
                con = duckdb.connect(request["path"], read_only=True, config=config)
                con_path = request["path"]
            cursor = con.cursor()
            try:
                reader = cursor.sql(request["sql"]).to_arrow_reader(BATCH_ROWS)
                batches, size, rows = [], 0, 0
                for batch in reader:
                    size += batch.nbytes
                    if size > int(request["max_bytes"]):
                        raise TooLarge(str(request["max_bytes"]))
                    batches.append(batch)
                    rows += batch.num_rows
                    if rows > int(request["limit"]):
                        break
                table = pa.Table.from_batches(batches, schema=reader.schema)
            finally:
                cursor.close()
            sink = pa.BufferOutputStream()
            with ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            payload = sink.getvalue().to_pybytes()
            del table, batches, sink
            header = {"ok": True, "rows": rows, "bytes": len(payload), "rss": _status("VmRSS")}
            _frame(out, json.dumps(header).encode())
            _frame(out, payload)
        except Exception as exc:  # noqa: BLE001 - every failure is handed back to the server by its class name
            header = {"ok": False, "error": "SqlTooLarge" if isinstance(exc, TooLarge) else type(exc).__name__,
                      "message": str(exc)[:2000], "rss": _status("VmRSS")}
            _frame(out, json.dumps(header).encode())


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BrokenPipeError, KeyboardInterrupt):  # the server is gone: nothing to report to
        os._exit(0)
