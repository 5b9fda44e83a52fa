"""Response bodies of the BambooHR simulator: the directory and custom reports, as JSON or as XML."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from xo_sandbox.bamboohr.employees import Employee
from xo_sandbox.bamboohr.fields import Column

type Value = str | int | None


def _field_meta(columns: Sequence[Column]) -> list[dict[str, str]]:
    return [{"id": c.key, "type": c.field.type, "name": c.field.name} for c in columns]


def records(
    employees: Iterable[Employee], columns: Sequence[Column], staff: Mapping[int, Employee], *, id_as_text: bool
) -> Iterator[dict[str, Value]]:
    """One dict per employee: ``id`` first (always, as BambooHR does), then ``columns`` in order."""
    for employee in employees:
        record: dict[str, Value] = {"id": str(employee.id) if id_as_text else employee.id}
        for column in columns:
            if column.key != "id":
                record[column.key] = column.field.value(employee, staff)
        yield record


def directory_json(employees: Iterable[Employee], columns: Sequence[Column], staff: Mapping[int, Employee]) -> bytes:
    """``{"fields": [...], "employees": [...]}`` of ``GET /employees/directory``."""
    body = {
        "fields": _field_meta(columns),
        "employees": list(records(employees, columns, staff, id_as_text=False)),
    }
    return json.dumps(body).encode("utf-8")


def custom_json(
    title: str, employees: Iterable[Employee], columns: Sequence[Column], staff: Mapping[int, Employee]
) -> bytes:
    """``{"title", "fields", "employees"}`` of ``POST /reports/custom?format=JSON``."""
    body = {
        "title": title,
        "fields": _field_meta(columns),
        "employees": list(records(employees, columns, staff, id_as_text=True)),
    }
    return json.dumps(body).encode("utf-8")


def _xml_employees(rows: Iterable[dict[str, Value]]) -> Iterator[str]:
    for row in rows:
        yield f"<employee id={quoteattr(str(row['id']))}>"
        for name, value in row.items():
            if name != "id":
                yield f"<field id={quoteattr(name)}>{escape('' if value is None else str(value))}</field>"
        yield "</employee>"


def as_xml(root: str, title: str | None, columns: Sequence[Column], rows: Iterable[dict[str, Value]]) -> bytes:
    """The XML form BambooHR answers when the client does not ask for JSON."""
    parts = ['<?xml version="1.0"?>', f"<{root}>"]
    if title is not None:
        parts.append(f"<title>{escape(title)}</title>")
    parts.append("<fieldset>")
    parts.extend(f"<field id={quoteattr(c.key)}>{escape(c.field.name)}</field>" for c in columns)
    parts.append("</fieldset><employees>")
    parts.extend(_xml_employees(rows))
    parts.append(f"</employees></{root}>")
    return "".join(parts).encode("utf-8")
