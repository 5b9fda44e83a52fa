"""The source registry: each connector folder declares one ``SourceRegistration``, in ``<source>/source.py``.

Every list of source types derives from it: the config union and its JSON Schema (xo-foundry), the configuration
reference and the sources page of the docs, and the catalog xo-bosun reads for ``xo new pipeline`` and ``.env``
(``xo-foundry generate`` writes the generated ones; tests fail when a committed copy disagrees). Registrations are
found by walking this package's folders, so adding a source is adding a folder.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from pydantic import ValidationError

import xo_core.extractors
from xo_core.environment import environment
from xo_core.errors import ConfigError
from xo_core.extractors import ExtractorConfig
from xo_core.extractors.arrival import ArrivalProbe, ArrivingInputConfig
from xo_core.extractors.base import Extractor, ExtractRequest, ExtractResult
from xo_core.extractors.connection_rules import check_connection
from xo_core.suggest import did_you_mean

REGISTRATION_MODULE = "source"
REGISTRATION_NAME = "SOURCE"
TABLE_PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*$")
SOURCE_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class ConnectionShape:
    """What a source's Airflow connection holds, shown as placeholders in the ``.env`` lines ``xo setup`` writes.

    ``credential`` describes what goes into the connection's ``password`` (always the secret); ``extra`` names
    the optional keys the connector also reads.
    """

    conn_type: str
    host: str
    login: str = ""
    credential: str = "<secret>"
    extra: Mapping[str, str] = field(default_factory=dict)
    hosts: tuple[str, ...] = ()
    """The vendor's host names (subdomains included) the connection may point at, over https
    (``xo_core.extractors.connection_rules``); the simulators are reached on 127.0.0.1 in the local environment."""
    accepts: tuple[str, ...] = ()
    """Further connection types the source accepts besides ``conn_type``."""

    @property
    def conn_types(self) -> tuple[str, ...]:
        """Every connection type the source accepts."""
        return (self.conn_type, *self.accepts)

    def as_json(self) -> dict[str, Any]:
        """The connection as ``AIRFLOW_CONN_<ID>`` JSON (``extra`` only when it names keys)."""
        body: dict[str, Any] = {
            "conn_type": self.conn_type,
            "host": self.host,
            "login": self.login,
            "password": self.credential,
        }
        if self.extra:
            body["extra"] = dict(self.extra)
        return body


@dataclass(frozen=True)
class SourceRegistration[C: ExtractorConfig]:
    """One source type: its settings model, its extractor, and what the tools around it need to know.

    ``extractor`` imports its module only when called, so listing the sources stays cheap. ``example`` is the
    ``extractor:`` block ``xo new pipeline`` writes (its string values may hold ``${domain}`` and ``${name}``).
    ``simulator`` is the xo-sandbox module that speaks the vendor's API (by name: xo-core cannot import it).
    The default connection id is the default of the config's ``connection_id`` (one place, the model).
    """

    source_type: str
    title: str
    description: str
    config: type[C]
    extractor: Callable[[], Extractor[C]]
    example: C
    table_prefix: str
    simulator: str
    connection: ConnectionShape | None = None

    def __post_init__(self) -> None:
        where = f"source {self.source_type!r}"
        if not SOURCE_TYPE_PATTERN.fullmatch(self.source_type):
            raise ConfigError(f"{where}: a source_type must match {SOURCE_TYPE_PATTERN.pattern}")
        if not TABLE_PREFIX_PATTERN.fullmatch(self.table_prefix):
            raise ConfigError(f"{where}: table_prefix must match {TABLE_PREFIX_PATTERN.pattern}")
        if type(self.example) is not self.config:
            raise ConfigError(f"{where}: example must be a {self.config.__name__}")
        if (self.connection is None) != ("connection_id" not in self.config.model_fields):
            raise ConfigError(f"{where}: a connection shape goes with a connection_id setting, and only with one")
        if self.connection is not None and not self.connection.hosts:
            raise ConfigError(f"{where}: a connection shape names the vendor's hosts")

    @property
    def connection_id(self) -> str | None:
        """The connection the source uses when its config names none; None when it needs no connection."""
        if self.connection is None:
            return None
        return str(self.config.model_fields["connection_id"].default)

    @property
    def can_wait(self) -> bool:
        """True for a source whose input arrives on its own time (``xo_core.extractors.arrival``)."""
        return issubclass(self.config, ArrivingInputConfig)

    def extract(self, request: ExtractRequest[Any]) -> ExtractResult:
        """Run this source's extractor. The one place a request's settings become this source's model, and
        where its connection is checked before any request is sent (``connection_rules``)."""
        return self.extractor().extract(self._checked(request))

    def arrived(self, request: ExtractRequest[Any]) -> str | None:
        """What the extract would take, or None while the input is not there (a source that ``can_wait``)."""
        extractor = self.extractor()
        if not self.can_wait or not isinstance(extractor, ArrivalProbe):
            raise ConfigError(f"source {self.source_type!r} has no input to wait for", field="source_type")
        return extractor.arrived(self._checked(request))

    def _checked(self, request: ExtractRequest[Any]) -> ExtractRequest[Any]:
        try:
            config = self.config.model_validate(request.config)
        except ValidationError as error:
            raise ConfigError(f"{error.error_count()} problem(s): {error}", field="extractor") from None
        if request.domain is not None:
            for field_name, problem in config.domain_problems(request.domain):
                raise ConfigError(problem, field=f"extractor.{field_name}")
        if self.connection is not None:
            check_connection(
                request.require_connection(),
                source_type=self.source_type,
                conn_types=self.connection.conn_types,
                hosts=self.connection.hosts,
                domain=request.domain,
                local=environment().name == "local",
            )
        return replace(request, config=config)


@cache
def _registry() -> dict[str, SourceRegistration[Any]]:
    found: dict[str, SourceRegistration[Any]] = {}
    for folder in pkgutil.iter_modules(xo_core.extractors.__path__):
        if not folder.ispkg:
            continue
        module = importlib.import_module(f"xo_core.extractors.{folder.name}.{REGISTRATION_MODULE}")
        registration = getattr(module, REGISTRATION_NAME, None)
        if not isinstance(registration, SourceRegistration):
            raise ConfigError(f"{module.__name__} must define {REGISTRATION_NAME} = SourceRegistration(...)")
        if registration.source_type in found:
            raise ConfigError(f"source_type {registration.source_type!r} is registered twice")
        found[registration.source_type] = registration
    return dict(sorted(found.items()))


def sources() -> list[SourceRegistration[Any]]:
    """Every registered source, sorted by source_type."""
    return list(_registry().values())


def source_types() -> list[str]:
    """Every registered source_type, sorted."""
    return list(_registry())


def source_for(source_type: str) -> SourceRegistration[Any]:
    """The registration of ``source_type``; a ConfigError naming the closest known one when there is none."""
    try:
        return _registry()[source_type]
    except KeyError:
        hint = did_you_mean(source_type, _registry(), list_when_none=True)
        raise ConfigError(f"unknown source_type {source_type!r}{hint}", field="source_type") from None


def get_extractor(source_type: str) -> Extractor[Any]:
    """A new extractor for ``source_type``; a ConfigError naming the closest known one when there is none."""
    return source_for(source_type).extractor()
