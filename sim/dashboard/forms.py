"""The workbench's scenario forms as plain data, generated from the pydantic models of
``sim.scenario.params``: one form per section, one field per model field with its unit,
bounds and documentation (the field's docstring); and edits typed into the forms applied
with the same checks as the command line (``sim.scenario.loading``), each problem placed
beside the field it names.

Nothing here draws anything, so every rule can be tested without a browser.
"""

import datetime
import re
import tempfile
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import annotated_types
import tomli_w
from pydantic import BaseModel

from sim.core.errors import InputError
from sim.scenario.loading import OVERRIDE_ORIGIN, ScenarioError, load_scenario, parse_override, replace, to_toml
from sim.scenario.params import Scenario

FORM_ORIGIN = "form"
"""What a problem with an edit made in the workbench names as its source."""

GENERAL_SECTION = "scenario"
"""The form of the top-level fields (name, description, events)."""

BOUND_SYMBOLS = ((annotated_types.Ge, "ge", "≥"), (annotated_types.Gt, "gt", ">"),
                 (annotated_types.Le, "le", "≤"), (annotated_types.Lt, "lt", "<"))

UNIT_SUFFIXES = (
    ("_cents_per_day", "cents of {currency} per day"),
    ("_cents", "cents of {currency} (100 = 1 {currency})"),
    ("_per_day", "per day (0.01 = 1 % a day)"),
    ("_share_of_sales", "share of sales (0.1 = 10 %)"),
    ("_share_of_balance", "share of the balance (0.5 = 50 %)"),
    ("_share_of_price", "share of the price (0.5 = 50 %)"),
    ("_share", "share (0.1 = 10 %)"),
    ("_days", "days"),
    ("_members", "members"),
    ("_multiple", "× the price"),
    ("_units", "contribution units"),
    ("_weight", "relative weight"),
    ("_weights", "relative weights"),
)
"""Units read from the end of a field's name (names carry their units, see
``sim.scenario.params``): the first suffix that matches wins."""


@dataclass(frozen=True)
class FormField:
    """One scenario field in a form.

    ``path`` is its dotted name ("release.rule"); ``kind`` how it is edited: "bool" (a
    checkbox), "choice" (one of ``choices``), "text" (a string, taken as typed), "int" and
    "float" (a number), or "list" (a TOML array, e.g. ``[0.1, 0.2]`` or ``[{day = 30, …}]``);
    ``unit`` is in words with the scenario's currency; ``bounds`` like "≥ 0, ≤ 1";
    ``documentation`` is the field's docstring in ``sim.scenario.params``."""

    path: str
    label: str
    kind: str
    unit: str
    bounds: str
    documentation: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormSection:
    """The fields of one scenario section (``[release]`` …), in the model's order."""

    name: str
    documentation: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class CheckedEdits:
    """Edits checked against a scenario: the edited ``scenario`` (None when any problem
    remains), the problems by field path (shown beside the field), and those that name no
    field of the forms (shown above them)."""

    scenario: Scenario | None
    field_problems: dict[str, list[str]]
    general_problems: list[str]


def field_unit(name: str, currency: str) -> str:
    """The unit of a field, from its name's suffix (``UNIT_SUFFIXES``), in words with the
    scenario's currency; "" when the name carries none (counts, switches, names)."""
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit.format(currency=currency)
    return ""


def _number_text(number: float) -> str:
    """A bound as people write it: whole numbers with thousands separators, others short."""
    return f"{number:,}" if isinstance(number, int) else f"{number:g}"


def bounds_text(metadata: list) -> str:
    """The bounds of a pydantic field's metadata (``Field(ge=…, le=…)``) as "≥ 0, ≤ 1";
    for a string, its allowed length."""
    parts = [f"{symbol} {_number_text(getattr(item, attribute))}" for item in metadata
             for kind, attribute, symbol in BOUND_SYMBOLS if isinstance(item, kind)]
    lengths = [item for item in metadata if isinstance(item, annotated_types.MaxLen)]
    if lengths:
        parts.append(f"at most {lengths[0].max_length} characters")
    return ", ".join(parts)


def _kind(annotation) -> tuple[str, tuple[str, ...]]:
    """How a field of this type is edited, and its choices when it has some."""
    if typing.get_origin(annotation) is Literal:
        return "choice", tuple(typing.get_args(annotation))
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is float:
        return "float", ()
    if annotation is str:
        return "text", ()
    if annotation == datetime.date | None:
        return "date", ()  # ISO yyyy-mm-dd, or empty for none
    return "list", ()  # tuples of numbers or of tables, and the events' dotted settings


def _form_field(path: str, name: str, info, currency: str) -> FormField:
    kind, choices = _kind(info.annotation)
    return FormField(path=path, label=name.replace("_", " "), kind=kind, unit=field_unit(name, currency),
                     bounds=bounds_text(info.metadata), documentation=info.description or "", choices=choices)


def _is_section(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def form_sections(currency: str = "currency units") -> list[FormSection]:
    """The scenario's forms: first the top-level fields (``GENERAL_SECTION``: name,
    description, events), then one form per section of ``Scenario`` in its order, every
    field with its unit in ``currency``, bounds and documentation."""
    general, sections = [], []
    for name, info in Scenario.model_fields.items():
        if _is_section(info.annotation):
            model = info.annotation
            fields = tuple(_form_field(f"{name}.{field}", field, field_info, currency)
                           for field, field_info in model.model_fields.items())
            sections.append(FormSection(name, (model.__doc__ or "").strip(), fields))
        else:
            general.append(_form_field(name, name, info, currency))
    return [FormSection(GENERAL_SECTION, "The scenario's name, description and scheduled events.",
                        tuple(general)), *sections]


def form_fields(currency: str = "currency units") -> dict[str, FormField]:
    """Every field of the forms by dotted path."""
    return {field.path: field for section in form_sections(currency) for field in section.fields}


def field_value(scenario: Scenario, path: str) -> Any:
    """The value of a dotted field of a scenario, as plain data (tables as dicts)."""
    value: Any = scenario.model_dump(mode="json")
    for part in path.split("."):
        value = value.get(part)  # a field left out of the dump when none (run.start_date) is None
    return value


def inline_toml(value: Any) -> str:
    """A value as one line of TOML: arrays as ``[…]`` and tables as inline tables
    ``{ key = value }``, so that an array of tables fits one input."""
    if isinstance(value, dict):
        pairs = [f"{tomli_w.dumps({key: 0}).split(' = ')[0]} = {inline_toml(item)}" for key, item in value.items()]
        return "{ " + ", ".join(pairs) + " }" if pairs else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(inline_toml(item) for item in value) + "]"
    return tomli_w.dumps({"value": value}).removeprefix("value = ").strip()


def value_text(value: Any, kind: str) -> str:
    """A field's value as the text its input shows: a string as it is, anything else as
    one line of TOML (``inline_toml``), which ``parse_edit`` reads back to the same value."""
    if kind in ("text", "choice"):
        return str(value)
    if kind == "date":
        return "" if value is None else str(value)
    return inline_toml(value)


def parse_edit(path: str, text: str, kind: str) -> Any:
    """The value typed into a field: a string field takes the text as it is; any other is
    read as a TOML value, exactly as ``--set path=text`` reads it (``parse_override``), so
    "0.2" is a number, "true" a boolean and "[0.1, 0.2]" an array. Raises ``ScenarioError``
    when the text is not one value."""
    if kind in ("text", "choice"):
        return text
    if kind == "date":
        return text.strip() or None
    return parse_override(f"{path}={' '.join(text.split())}")[1]


def _field_of(problem: str, paths: list[str]) -> str | None:
    """The form field a problem line (``field: reason``) names: the longest field path that
    is the problem's field or a table above it ("levels.tiers" for "levels.tiers.0.name")."""
    match = re.match(r"[\w.]+", problem)
    if not match:
        return None
    named = match.group(0).split(".")
    candidates = [path for path in paths if named[:len(path.split("."))] == path.split(".")]
    return max(candidates, key=len, default=None)


def _without_source(problem: str, sources: tuple[str, ...]) -> str:
    for source in sources:
        if problem.startswith(f"{source}: "):
            return problem.removeprefix(f"{source}: ")
    return problem


def place_problems(problems: list[str], sources: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str]]:
    """Problem lines (``SOURCE: field: reason``) sorted by the form field they name (the
    source dropped, ``field: reason`` kept whole) and those naming no field."""
    paths = list(form_fields())
    by_field: dict[str, list[str]] = {}
    general = []
    for problem in problems:
        text = _without_source(problem, sources)
        field = _field_of(text, paths)
        if field is None:
            general.append(text)
        else:
            by_field.setdefault(field, []).append(text)
    return by_field, general


def check_scenario_text(scenario: Scenario, origin: str) -> Scenario:
    """Check a scenario exactly as ``circsim check`` checks a file: written as the TOML a
    run folder keeps (``to_toml``) to a temporary file and loaded with ``load_scenario``
    (field checks, cross-field checks, the exact-integer range of every day and every
    event). A problem names ``origin`` instead of the temporary file; raises ``ScenarioError``."""
    with tempfile.TemporaryDirectory(prefix="circsim-form-") as folder:
        path = Path(folder) / "scenario.toml"
        path.write_text(to_toml(scenario), encoding="utf-8")
        try:
            return load_scenario(path)
        except ScenarioError as err:
            raise ScenarioError([problem.replace(str(path.resolve()), origin).replace(str(path), origin)
                                 for problem in err.problems]) from None


def apply_edits(base: Scenario, edits: Mapping[str, str]) -> CheckedEdits:
    """``base`` with the texts typed into the forms (by dotted path) applied: each text read
    as ``parse_edit`` reads it, the changes applied together with ``sim.scenario.loading.
    replace`` and the result checked as ``circsim check`` checks a file
    (``check_scenario_text``). Problems come back by field, never raised."""
    fields = form_fields()
    values, problems = {}, []
    for path, text in edits.items():
        try:
            values[path] = parse_edit(path, text, fields[path].kind)
        except ScenarioError as err:
            problems += [problem.removeprefix(f"{OVERRIDE_ORIGIN} ") for problem in err.problems]
    if not problems:
        try:
            scenario = check_scenario_text(replace(base, values, origin=FORM_ORIGIN), FORM_ORIGIN)
            return CheckedEdits(scenario, {}, [])
        except ScenarioError as err:
            problems = err.problems
    by_field, general = place_problems(problems, (FORM_ORIGIN,))
    return CheckedEdits(None, by_field, general)


def scenario_library(folder: Path) -> list[Path]:
    """The scenario files of the library: ``folder/*.toml``, ``folder/cases/*.toml`` (the
    documented cases) and ``folder/validation/*.toml``, each group sorted by name."""
    return (sorted(folder.glob("*.toml")) + sorted(folder.glob("cases/*.toml"))
            + sorted(folder.glob("validation/*.toml")))


def load_uploaded(name: str, content: bytes) -> Scenario:
    """A scenario uploaded through the browser, checked as ``circsim check`` checks a file;
    a problem names the uploaded file's ``name``. A file that ``extends`` another cannot be
    read this way (the other file is not uploaded with it): that is a problem too.
    Raises ``ScenarioError``."""
    with tempfile.TemporaryDirectory(prefix="circsim-upload-") as folder:
        path = Path(folder) / (Path(name).name or "scenario.toml")
        path.write_bytes(content)
        try:
            return load_scenario(path)
        except ScenarioError as err:
            raise ScenarioError([problem.replace(str(path.resolve()), name).replace(str(path), name)
                                 for problem in err.problems]) from None


def coerce_to_field(path: str, value: Any, fields: Mapping[str, FormField]) -> Any:
    """A value read from a table (numpy scalars, whole numbers stored as floats) as the
    Python type its field takes: an ``int`` field gets an int when the value is whole, a
    ``float`` field a float. Raises ``InputError`` naming the path for an unknown field."""
    if path not in fields:
        raise InputError([f"{path}: not a scenario field"])
    kind = fields[path].kind
    value = value.item() if hasattr(value, "item") else value
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
