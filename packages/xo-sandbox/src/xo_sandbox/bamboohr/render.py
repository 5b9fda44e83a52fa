"""Response bodies of the BambooHR simulator: the directory and custom reports, as JSON or as XML."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from xo_sandbox.bamboohr.employees import Employee
from xo_sandbox.bamboohr.fields import FIELDS

type Value = str | int | None


def _field_meta(field_ids: Sequence[str]) -> list[dict[str, str]]:
    return [{"id": f, "type": FIELDS[f].type, "name": FIELDS[f].name} for f in field_ids]


def records(
    employees: Iterable[Employee], field_ids: Sequence[str], staff: Mapping[int, Employee], *, id_as_text: bool
) -> Iterator[dict[str, Value]]:
    """One dict per employee: ``id`` first (always, as BambooHR does), then ``field_ids`` in order."""
    for employee in employees:
        record: dict[str, Value] = {"id": str(employee.id) if id_as_text else employee.id}
        for field_id in field_ids:
            if field_id != "id":
                record[field_id] = FIELDS[field_id].value(employee, staff)
        yield record


def directory_json(employees: Iterable[Employee], field_ids: Sequence[str], staff: Mapping[int, Employee]) -> bytes:
    """``{"fields": [...], "employees": [...]}`` of ``GET /employees/directory``."""
    body = {
        "fields": _field_meta(field_ids),
        "employees": list(records(employees, field_ids, staff, id_as_text=False)),
    }
    return json.dumps(body).encode("utf-8")


def custom_json(
    title: str, employees: Iterable[Employee], field_ids: Sequence[str], staff: Mapping[int, Employee]
) -> bytes:
    """``{"title", "fields", "employees"}`` of ``POST /reports/custom?format=JSON``."""
    body = {
        "title": title,
        "fields": _field_meta(field_ids),
        "employees": list(records(employees, field_ids, staff, id_as_text=True)),
    }
    return json.dumps(body).encode("utf-8")


def _xml_employees(rows: Iterable[dict[str, Value]]) -> Iterator[str]:
    for row in rows:
        yield f"<employee id={quoteattr(str(row['id']))}>"
        for name, value in row.items():
            if name != "id":
                yield f"<field id={quoteattr(name)}>{escape('' if value is None else str(value))}</field>"
        yield "</employee>"


def as_xml(root: str, title: str | None, field_ids: Sequence[str], rows: Iterable[dict[str, Value]]) -> bytes:
    """The XML form BambooHR answers when the client does not ask for JSON."""
    parts = ['<?xml version="1.0"?>', f"<{root}>"]
    if title is not None:
        parts.append(f"<title>{escape(title)}</title>")
    parts.append("<fieldset>")
    parts.extend(f"<field id={quoteattr(f)}>{escape(FIELDS[f].name)}</field>" for f in field_ids)
    parts.append("</fieldset><employees>")
    parts.extend(_xml_employees(rows))
    parts.append(f"</employees></{root}>")
    return "".join(parts).encode("utf-8")
