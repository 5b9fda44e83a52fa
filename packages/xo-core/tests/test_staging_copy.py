"""copy_and_standardize and peek_header on both stores: server-side copy, a small header read, safe names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from xo_core.errors import ConfigError, SourceDataError
from xo_core.staging import MAX_HEADER_BYTES, StagedObject, copy_and_standardize, peek_header
from xo_core.storage.base import ObjectStore

SRC_KEY = "wbp/gladly/full_refresh/2025-01-15/contacts.csv"


@pytest.fixture
def buckets(new_object_bucket: Callable[[], str]) -> tuple[str, str]:
    return new_object_bucket(), new_object_bucket()


def _stage(store: ObjectStore, buckets: tuple[str, str], data: bytes) -> StagedObject:
    ingest, stage = buckets
    store.put_bytes(ingest, SRC_KEY, data)
    return copy_and_standardize(store, ingest, SRC_KEY, stage, SRC_KEY)


def _stage_fails(store: ObjectStore, buckets: tuple[str, str], data: bytes, message: str) -> None:
    """Staging fails with ``message``, the half-staged copy is gone and the source is untouched."""
    ingest, stage = buckets
    store.put_bytes(ingest, SRC_KEY, data)
    with pytest.raises(SourceDataError, match=message):
        copy_and_standardize(store, ingest, SRC_KEY, stage, SRC_KEY)
    assert store.head(stage, SRC_KEY) is None
    assert store.get_bytes(ingest, SRC_KEY) == data


def test_stages_a_large_file_reading_only_8_kib(object_store: ObjectStore, buckets: tuple[str, str]) -> None:
    ingest, stage = buckets
    row = b"12345,Ada Lovelace,ada@example.com,2025-01-15T08:00:00Z\n"
    with object_store.open_write(ingest, SRC_KEY) as handle:
        handle.write(b"Contact ID,Agent Name,E-mail,createdAt\n")
        for _ in range(5_000_000 // len(row) // 1000):
            handle.write(row * 1000)
    size = object_store.head(ingest, SRC_KEY)
    assert size is not None and size.size > 4_900_000

    staged = copy_and_standardize(object_store, ingest, SRC_KEY, stage, SRC_KEY)

    assert staged.bytes_read == 8192
    assert staged.size == size.size
    assert staged.original_columns == ["Contact ID", "Agent Name", "E-mail", "createdAt"]
    assert staged.columns == ["CONTACT_ID", "AGENT_NAME", "E_MAIL", "CREATED_AT"]
    assert staged.column_map == dict(zip(staged.original_columns, staged.columns, strict=True))
    assert (staged.bucket, staged.key, staged.uri) == (stage, SRC_KEY, object_store.uri(stage, SRC_KEY))
    assert object_store.head(stage, SRC_KEY) == object_store.head(stage, SRC_KEY)
    assert object_store.read_range(stage, SRC_KEY, size.size - len(row), len(row)) == row


def test_small_file_reads_the_whole_file(object_store: ObjectStore, buckets: tuple[str, str]) -> None:
    data = b"id,name\n" + b"1,abcdefgh\n" * 92 + b"x" * 4
    assert len(data) == 1024
    staged = _stage(object_store, buckets, data)
    assert staged.bytes_read == 1024
    assert staged.columns == ["ID", "NAME"]


def test_header_longer_than_8_kib(object_store: ObjectStore, buckets: tuple[str, str]) -> None:
    names = [f"A rather long and descriptive column name, number {i:03d}" for i in range(400)]
    header = ",".join(f'"{n}"' for n in names).encode() + b"\r\n"
    assert len(header) > 16384
    row = b",".join(b"v" for _ in names) + b"\r\n"
    staged = _stage(object_store, buckets, header + row * 100)
    assert staged.bytes_read == 32768  # 8 KiB, then 8 more, then 16 more
    assert staged.original_columns == names
    assert staged.columns[399] == "A_RATHER_LONG_AND_DESCRIPTIVE_COLUMN_NAME_NUMBER_399"


def test_header_that_never_ends_is_refused(object_store: ObjectStore, buckets: tuple[str, str]) -> None:
    _stage_fails(object_store, buckets, b"a," * (MAX_HEADER_BYTES // 2 + 10), "does not end within 1048576 bytes")


@pytest.mark.parametrize(
    ("data", "originals", "columns"),
    [
        (b"\xef\xbb\xbfid,name\n1,x\n", ["id", "name"], ["ID", "NAME"]),
        (b"\r\n\n\r\nid,name\r\n1,x\r\n", ["id", "name"], ["ID", "NAME"]),
        (b"\xef\xbb\xbf\n\nid,name\n", ["id", "name"], ["ID", "NAME"]),
        (
            b'"Name, Last","Line\nBreak",note\r\n"Lovelace, Ada","x","multi\r\nline, data"\r\n',
            ["Name, Last", "Line\nBreak", "note"],
            ["NAME_LAST", "LINE_BREAK", "NOTE"],
        ),
        (b'id,"say ""hi""",x\n', ["id", 'say "hi"', "x"], ["ID", "SAY_HI", "X"]),
        (b"id,name\r\n", ["id", "name"], ["ID", "NAME"]),
        (b"id,name", ["id", "name"], ["ID", "NAME"]),  # header only, no line end: 0 rows is fine here
        (
            "Équipe,Nº de contacto\n1,2\n".encode(),
            ["Équipe", "Nº de contacto"],
            ["EQUIPE", "NO_DE_CONTACTO"],
        ),
    ],
    ids=[
        "bom",
        "blank-lines",
        "bom-and-blank-lines",
        "quoted",
        "doubled-quotes",
        "crlf",
        "header-only",
        "accents",
    ],
)
def test_header_forms(
    object_store: ObjectStore, buckets: tuple[str, str], data: bytes, originals: list[str], columns: list[str]
) -> None:
    staged = _stage(object_store, buckets, data)
    assert staged.original_columns == originals
    assert staged.columns == columns
    assert staged.bytes_read == len(data)


def test_multibyte_character_cut_at_the_peek_boundary(object_store: ObjectStore, buckets: tuple[str, str]) -> None:
    # Header: padding, then a name whose "É" occupies bytes 8191 and 8192.
    padding = [f"c{i:04d}" for i in range(1364)]  # 1364 * 6 bytes = 8184 with commas
    filler = "x" * (8191 - len(",".join(padding).encode()) - 2)
    names = [*padding, filler, "Équipe", "Nº"]
    header = ",".join(names).encode()
    assert header.index("É".encode()) == 8191
    staged = _stage(object_store, buckets, header + b"\n1\n")
    assert staged.original_columns[-2:] == ["Équipe", "Nº"]
    assert staged.columns[-2:] == ["EQUIPE", "NO"]
    assert staged.bytes_read == len(header) + 3


def test_multibyte_character_cut_in_a_data_row(object_store: ObjectStore, buckets: tuple[str, str]) -> None:
    prefix = b"id,team\n1,"
    body = prefix + b"a" * (8191 - len(prefix)) + "Équipe\n".encode() * 100
    staged = _stage(object_store, buckets, body)
    assert staged.columns == ["ID", "TEAM"]
    assert staged.bytes_read == 8192


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"Contact ID,Contact-ID\n1,2\n",
            "columns 'Contact ID' and 'Contact-ID' both standardize to CONTACT_ID in ",
        ),
        (b"a,b,a\n", r"column 'a' appears twice \(columns 1 and 3\)"),
        (b"a,,b\n", "column 2 of the header in .* has an empty name"),
        (b"a,---\n", r"column 2 \('---'\) in .*no letters or digits"),
        (b"", "is an empty file"),
        (b"\xef\xbb\xbf\r\n\n", "is an empty file"),
        (b"\xff\xfeid,name\n", "not valid utf-8"),
        (b'"id,name\n1,2\n', "not valid CSV"),
    ],
    ids=[
        "collision",
        "duplicate",
        "empty-name",
        "no-letters",
        "empty",
        "only-bom-and-blanks",
        "not-utf8",
        "open-quote",
    ],
)
def test_bad_headers_leave_nothing_staged(
    object_store: ObjectStore, buckets: tuple[str, str], data: bytes, message: str
) -> None:
    _stage_fails(object_store, buckets, data, message)


def test_collision_message_names_the_staged_object(object_store: ObjectStore, buckets: tuple[str, str]) -> None:
    ingest, stage = buckets
    object_store.put_bytes(ingest, SRC_KEY, b"Contact ID,Contact-ID\n")
    with pytest.raises(SourceDataError) as caught:
        copy_and_standardize(object_store, ingest, SRC_KEY, stage, SRC_KEY)
    expected = (
        f"columns 'Contact ID' and 'Contact-ID' both standardize to CONTACT_ID in {object_store.uri(stage, SRC_KEY)}"
    )
    assert str(caught.value) == expected


def test_staging_onto_the_source_is_refused(object_store: ObjectStore, object_bucket: str) -> None:
    object_store.put_bytes(object_bucket, SRC_KEY, b"a,a\n")
    with pytest.raises(ConfigError, match="is the source itself"):
        copy_and_standardize(object_store, object_bucket, SRC_KEY, object_bucket, SRC_KEY)
    assert object_store.get_bytes(object_bucket, SRC_KEY) == b"a,a\n"


def test_peek_header_alone(object_store: ObjectStore, object_bucket: str) -> None:
    data = b"\xef\xbb\xbfContact ID,Name\r\n1,Ada\r\n"
    object_store.put_bytes(object_bucket, "x.csv", data)
    assert peek_header(object_store, object_bucket, "x.csv") == (["Contact ID", "Name"], len(data))


def test_peek_header_in_another_encoding(object_store: ObjectStore, object_bucket: str) -> None:
    object_store.put_bytes(object_bucket, "x.csv", "Équipe,Nº\n".encode("cp1252"))
    assert peek_header(object_store, object_bucket, "x.csv", encoding="cp1252")[0] == ["Équipe", "Nº"]
