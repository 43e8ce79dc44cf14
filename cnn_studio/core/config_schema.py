"""Type checks of the config: plain JSON data -> typed dataclass fields, with one-sentence errors.

Each field is converted by its type hint (``int``, ``float``, ``bool``, ``str``, ``X | None``,
``tuple[X, ...]``, ``Mapping[str, X]``, a value class with ``parse``), so a new field is checked
without new code; ``config.py`` then checks the ranges. NaN and infinity are refused.
"""

from __future__ import annotations

import collections.abc
import math
from dataclasses import fields
from types import UnionType
from typing import Any, Mapping, Union, get_args, get_origin, get_type_hints

from cnn_studio.core.errors import ConfigError


def check(ok: bool, message: str) -> None:
    """Raise ConfigError(message) unless ``ok``."""
    if not ok:
        raise ConfigError(message)


def refuse_constant(name: str) -> Any:
    """``json.loads`` hook: NaN and Infinity are not JSON numbers."""
    raise ConfigError(f"The config contains {name}, which is not a number in JSON; write a finite number.")


def from_plain(cls: type, data: Mapping[str, Any], where: str, nested: Mapping[str, type]) -> Any:
    """Build dataclass ``cls`` from plain data: unknown keys refused, each value converted by its hint."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(map(str, data)) - known)
    if unknown:
        raise ConfigError(f"Unknown setting '{where}.{unknown[0]}' in the config; remove it or check its spelling.")
    hints = get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name in nested:
            if not isinstance(value, Mapping):
                raise ConfigError(f"Setting '{name}' must be an object in the config.")
            kwargs[name] = from_plain(nested[name], value, name, {})
        else:
            kwargs[name] = convert(value, hints[name], f"{where}.{name}")
    return cls(**kwargs)


def convert(value: Any, hint: Any, where: str) -> Any:
    """Return ``value`` as the type ``hint`` says (list -> tuple, 3 -> 3.0), or raise ConfigError."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return value
    if isinstance(hint, type) and hasattr(hint, "parse"):  # a value type with its own parser (Pretrained)
        return hint.parse(value)
    if origin in (Union, UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return convert(value, inner, where)
    if hint is bool:
        check(isinstance(value, bool), f"Setting '{where}' must be true or false.")
        return value
    if hint in (int, float):
        return _number(value, hint, where)
    if hint is str:
        check(isinstance(value, str), f"Setting '{where}' must be text.")
        return value
    if origin is tuple:
        check(isinstance(value, (list, tuple)), f"Setting '{where}' must be a list of {_describe(args[0])}.")
        return tuple(convert(v, args[0], where) for v in value)
    if origin in (Mapping, dict, collections.abc.Mapping):
        check(isinstance(value, Mapping), f"Setting '{where}' must be an object, e.g. {{\"name\": value}}.")
        check(all(isinstance(k, str) for k in value), f"Setting '{where}' must have text keys.")
        return {k: convert(v, args[1], f"{where}.{k}") for k, v in value.items()}
    raise TypeError(f"no converter for {hint!r}")  # a new field type needs a line above


def _number(value: Any, hint: type, where: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"Setting '{where}' must be a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"Setting '{where}' must be a finite number.")
    if hint is float:
        try:
            return float(value)
        except OverflowError:
            raise ConfigError(f"Setting '{where}' is too large.") from None
    if value != int(value):
        raise ConfigError(f"Setting '{where}' must be a whole number.")
    return int(value)


def _describe(hint: Any) -> str:
    return {str: "texts", float: "numbers", int: "whole numbers"}.get(hint, "values")


def check_types(obj: Any, where: str, nested: Mapping[str, type]) -> None:
    """Raise ConfigError if a field of ``obj`` holds a value of the wrong type (set from code)."""
    for name, hint in get_type_hints(type(obj)).items():
        value = getattr(obj, name)
        if name in nested:
            check(isinstance(value, nested[name]), f"Setting '{name}' must be a {name} section.")
            continue
        converted = convert(value, hint, f"{where}.{name}")
        check(not isinstance(converted, int) or isinstance(value, int),
               f"Setting '{where}.{name}' must be a whole number.")
