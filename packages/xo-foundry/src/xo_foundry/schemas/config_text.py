"""A config file's text, read within bounds: a regular file of at most ``MAX_BYTES``, strictly UTF-8."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from xo_foundry.schemas.yaml_lines import RefusedConfig

# The largest committed config is under 4 KiB; PyYAML (pure Python, for the line marks) reads 256 KiB in well
# under a second, so a file this size is refused without being parsed.
MAX_BYTES = 256 * 1024


def read_config_text(path: Path) -> str:
    """The text of ``path``; ``RefusedConfig`` for a file that is not a regular file, too large or not UTF-8.

    ``OSError`` when it cannot be opened or read.
    """
    # O_NONBLOCK: opening a FIFO named like a config must not wait for a writer; it is refused just below.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise RefusedConfig(1, "not a regular file")
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        size = max(status.st_size, len(data)) / 1024
        raise RefusedConfig(1, f"the file is {size:,.0f} KiB; a pipeline file may be at most {MAX_BYTES // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = (
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start} ({error.reason}); "
            "save the file as UTF-8"
        )
        raise RefusedConfig(line, message) from None
