"""Benchmark: the stage step (copy without download, then a ranged header read) on a 1 KiB and a ~1 GiB CSV.

The target: the same cost for both sizes, about 8 KiB read, because ``copy_and_standardize`` never reads the
body. Measured on the local store (the copy is a hard link) and on S3 served by moto (ThreadedMotoServer).
moto copies objects in its own memory and reads a whole object to serve a ``Range`` GET, so its
times grow with the object and say nothing about S3's speed; on moto only ``bytes_read`` is evidence.

The large file is the load benchmark's bench/data/contact_timestamps_5m.csv (made once, git-ignored; its
header is the 15 ContactTimestampsReport columns), the small one is its header and first rows, cut to 1 KiB.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.load_bronze import DATA, ensure_csv
from bench.measure import QUICK, print_table, save_rows
from xo_core.staging.copy_and_standardize import copy_and_standardize
from xo_core.staging.header import peek_header
from xo_core.storage.base import ObjectStore
from xo_core.storage.local import LocalObjectStore
from xo_core.storage.s3 import S3ObjectStore

RESULTS = Path(__file__).parent / "results" / "stage_peek.json"
REPEATS = {"local": 2, "s3_moto": 1} if QUICK else {"local": 20, "s3_moto": 5}
INGEST, STAGE = "ingest", "stage"


def small_csv(large: Path) -> bytes:
    """The large file's first whole records that fit in 1 KiB (its header and a few rows)."""
    with large.open("rb") as handle:
        head = handle.read(1024)
    return head[: head.rindex(b"\n") + 1]


def _measure(store: ObjectStore, key: str, repeats: int) -> dict[str, object]:
    """Stage ``key`` ``repeats`` times (each to a new staged key, deleted after); medians in ms."""
    totals: list[float] = []
    peeks: list[float] = []
    bytes_read = 0
    size = 0
    for attempt in range(repeats):
        staged_key = f"bench/{attempt}/{key}"
        began = time.perf_counter()
        staged = copy_and_standardize(store, INGEST, key, STAGE, staged_key)
        totals.append(time.perf_counter() - began)
        began = time.perf_counter()
        _, again = peek_header(store, STAGE, staged_key)  # the read alone, without the copy
        peeks.append(time.perf_counter() - began)
        if again != staged.bytes_read or len(staged.columns) != 15:
            raise RuntimeError(f"unexpected staging of {key}: {staged}")
        bytes_read, size = staged.bytes_read, staged.size
        store.delete(STAGE, staged_key)
    return {
        "object_bytes": size,
        "bytes_read": bytes_read,
        "stage_ms_median": round(statistics.median(totals) * 1000, 2),
        "peek_ms_median": round(statistics.median(peeks) * 1000, 2),
        "repeats": repeats,
    }


def _local(large: Path, small: bytes) -> list[dict[str, object]]:
    # The store sits beside the large file so that putting it in (and staging it) can hard-link it.
    with tempfile.TemporaryDirectory(dir=DATA) as root:
        store = LocalObjectStore(Path(root))
        store.put_bytes(INGEST, "small.csv", small)
        target = Path(store.uri(INGEST, "large.csv"))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(large, target)
        return [
            {"store": "local", "file": name, **_measure(store, f"{name}.csv", REPEATS["local"])}
            for name in ("small", "large")
        ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _s3_moto(large: Path, small: bytes) -> list[dict[str, object]]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        store = S3ObjectStore.from_settings(
            f"http://127.0.0.1:{port}",
            "us-east-1",
            access_key_id="testing",
            secret_access_key="testing",  # noqa: S106 - moto's dummy credentials
        )
        for bucket in (INGEST, STAGE):
            store.client.create_bucket(Bucket=bucket)
        store.put_bytes(INGEST, "small.csv", small)
        with large.open("rb") as source, store.open_write(INGEST, "large.csv") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)  # streamed in 8 MiB parts, as the extractors write
        return [
            {"store": "s3_moto", "file": name, **_measure(store, f"{name}.csv", REPEATS["s3_moto"])}
            for name in ("small", "large")
        ]
    finally:
        server.stop()


def run() -> list[dict[str, object]]:
    """Both files on both stores."""
    large = ensure_csv()
    small = small_csv(large)
    backends: list[Callable[[Path, bytes], list[dict[str, object]]]] = [_local, _s3_moto]
    return [row for backend in backends for row in backend(large, small)]


def main() -> None:
    """Print the rows of ``run`` and write them to bench/results/stage_peek.json."""
    rows = run()
    print_table(rows)
    save_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
