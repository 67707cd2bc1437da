"""`circsim template`: a complete scenario file written from the scenario's own models.

Every field of every section of ``sim.scenario.params.Scenario`` is written with its
default value, preceded by comments giving its documentation (the field's docstring), its
type and unit, and its bounds, all read from the pydantic models, so the template cannot
drift from what ``load_scenario`` accepts. Lists of tables (gift tiers, levels, events)
are written empty, with the fields of one item described in comments. ``name`` is left
out, so it defaults to the file's name; loading the template gives the default scenario.
"""

import datetime
import types
import typing
from typing import Literal, get_args, get_origin

import tomli_w
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario.params import Scenario

LOWER_BOUNDS = (("ge", "≤"), ("gt", "<"))
"""pydantic's lower-bound constraints, and the symbol written between the bound and the name."""
UPPER_BOUNDS = (("le", "≤"), ("lt", "<"))
UNIT_WORDS = (
    ("_cents_per_day", "cents of the currency per day"),
    ("_cents", "cents of the currency (hundredths)"),
    ("_per_day", "per day"),
    ("_days", "days"),
)
"""Units by the end of a field's name, the naming rule of ``params.py`` (first match wins)."""
SHARE_WORDS = ("share", "probability")
"""A field whose name holds one of these is a decimal share (0.2 is 20 %)."""
HEADER = """\
# A circsim scenario with every field at its default value (written by `circsim template`).
# Each field's comments give its meaning, type, unit, bounds and default, read from the
# scenario's models (sim/scenario/params.py). Delete what you do not change: every field
# has a default. Money is integer cents of the currency; shares and multiples are decimals
# (0.2 is 20 %); rates are per day. `name` defaults to this file's name; `extends =
# "other.toml"` would start from another file instead of the defaults.
"""


def toml_value(value) -> str:
    """One value as TOML text, tables inline and whole numbers grouped: 100_000, {}."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_value(key)} = {toml_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:_}"
    return tomli_w.dumps({"value": value}).removeprefix("value = ").strip()


def number_text(bound: float) -> str:
    """A bound as it would be typed: 36500, 1_000_000_000_000, 1e-06."""
    return f"{bound:_}" if isinstance(bound, int) else f"{bound:g}"


def type_text(annotation) -> str:
    """What kind of value a field takes, in words."""
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(f'"{choice}"' for choice in get_args(annotation))
    if get_origin(annotation) is typing.Annotated:
        return type_text(get_args(annotation)[0])
    if get_origin(annotation) is tuple:
        item = get_args(annotation)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "list of tables"
        return f"list of {type_text(item)}s"
    if get_origin(annotation) is dict:
        return "table of field = value"
    if isinstance(annotation, types.UnionType):
        return " or ".join(type_text(part) for part in get_args(annotation))
    return {bool: "true or false", int: "whole number", float: "decimal number", str: "text",
            datetime.date: "date (yyyy-mm-dd)", types.NoneType: "none"}.get(annotation, str(annotation))


def unit_text(name: str) -> str | None:
    """The unit of a field, from its name (``UNIT_WORDS``, ``SHARE_WORDS``); None for counts,
    weights, multiples and names, which say what they count in their documentation."""
    if any(word in name for word in SHARE_WORDS):
        return "share (0.2 is 20 %)" + (" per day" if name.endswith("_per_day") else "")
    if name == "days":
        return "days"
    return next((unit for ending, unit in UNIT_WORDS if name.endswith(ending)), None)


def bounds_text(name: str, info: FieldInfo) -> str | None:
    """A field's bounds: "1 ≤ days ≤ 36_500", "at most 16 items", the pattern a text must match."""
    lower, upper, other = [], [], []
    for constraint in info.metadata:  # annotated-types constraints, told apart by their attribute
        lower += [f"{number_text(getattr(constraint, key))} {symbol}" for key, symbol in LOWER_BOUNDS
                  if getattr(constraint, key, None) is not None]
        upper += [f"{symbol} {number_text(getattr(constraint, key))}" for key, symbol in UPPER_BOUNDS
                  if getattr(constraint, key, None) is not None]
        if getattr(constraint, "min_length", None) is not None:
            other.append(f"at least {constraint.min_length} long")
        if getattr(constraint, "max_length", None) is not None:
            other.append(f"at most {constraint.max_length} long")
        if getattr(constraint, "pattern", None):
            other.append(f"matching {constraint.pattern}")
    bounds = [" ".join(lower + [name] + upper)] if lower or upper else []
    return "; ".join(bounds + other) or None


def field_comments(name: str, info: FieldInfo, default_text: str | None, indent: str = "") -> list[str]:
    """The comment lines before a field: documentation, then type, unit, bounds, default."""
    lines = [f"{indent}# {line.strip()}" for line in (info.description or "").splitlines()]
    facts = [type_text(info.annotation), unit_text(name), bounds_text(name, info),
             f"default {default_text}" if default_text is not None else "required"]
    lines.append(f"{indent}# " + "; ".join(fact for fact in facts if fact))
    return lines


def item_model(info: FieldInfo) -> type[BaseModel] | None:
    """The model of one item of a list-of-tables field (gift tiers, levels, events)."""
    if get_origin(info.annotation) is tuple:
        item = get_args(info.annotation)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def item_comments(table_name: str, model: type[BaseModel]) -> list[str]:
    """How to write one item of a list of tables, as comments: its header and every field."""
    lines = [f"# Each item is a [[{table_name}]] table with these fields:"]
    for name, info in model.model_fields.items():
        default = None if info.is_required() else toml_value(info.get_default(call_default_factory=True))
        lines += field_comments(name, info, default, indent="#   ")
        lines.append(f"#   {name} = {default if default is not None else '...'}")
    return lines


def field_lines(table_name: str, name: str, info: FieldInfo, value) -> list[str]:
    """Comments and the ``name = default`` line of one field."""
    lines = field_comments(name, info, toml_value(value))
    model = item_model(info)
    if model is not None:
        lines += item_comments(f"{table_name}.{name}" if table_name else name, model)
    return lines + [f"{name} = {toml_value(value)}", ""]


def scenario_template() -> str:
    """The text of a scenario TOML file with every field of ``Scenario`` at its default,
    each preceded by its documentation, type, unit, bounds and default as comments; no
    ``name``, so that it defaults to the file's name. Loading it (``load_scenario``) gives
    ``Scenario(name=<file stem>)``."""
    defaults = Scenario().model_dump(mode="json")
    top_level, sections = [HEADER], []
    for name, info in Scenario.model_fields.items():
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            section = [f"[{name}]"]
            for field, field_info in info.annotation.model_fields.items():
                if field in defaults[name]:
                    section += field_lines(name, field, field_info, defaults[name][field])
                else:  # an optional field that is none by default: TOML cannot write "none"
                    section += field_comments(field, field_info, "none") + [f"# {field} = ...", ""]
            sections.append("\n".join(section))
        elif name == "name":
            top_level += field_comments(name, info, "the file's name") + ['# name = "my_scenario"', ""]
        else:  # top-level keys must come before the first [section] in TOML
            top_level += field_lines("", name, info, defaults[name])
    return "\n".join(top_level) + "\n" + "\n\n".join(sections)
