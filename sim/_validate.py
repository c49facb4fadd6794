"""Checks shared by the scenario's parts: each raises ValueError naming the field, the value and what is allowed."""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any, TypeVar

__all__ = [
    "ScenarioError",
    "UnknownFieldError",
    "as_tuple",
    "check_choice",
    "check_int",
    "check_keys",
    "check_number",
    "check_type",
    "strict",
    "unknown_field",
]

T = TypeVar("T")


class ScenarioError(ValueError):
    """An impossible value in a scenario: the message names the field, the value and what is allowed."""


class UnknownFieldError(ScenarioError, TypeError):
    """A keyword or dict key that is not a field (a typo); also a TypeError, as Python raises for bad keywords."""


def _suggest(name: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_field(owner: str, name: str, allowed: Iterable[str]) -> UnknownFieldError:
    """The error for a field name that `owner` does not have."""
    allowed = list(allowed)
    return UnknownFieldError(
        f"{owner}.{name}: unknown field{_suggest(name, allowed)}; allowed: {', '.join(allowed)}"
    )


def strict(cls: type[T]) -> type[T]:
    """Make a dataclass's constructor reject unknown keywords with an UnknownFieldError, not a bare TypeError."""
    init = cls.__init__
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        for key in kwargs:
            if key not in names:
                raise unknown_field(cls.__name__, key, names)
        if len(args) > len(names):
            raise ScenarioError(f"{cls.__name__}: takes at most {len(names)} positional values, got {len(args)}")
        init(self, *args, **kwargs)

    setattr(cls, "__init__", __init__)  # noqa: B010 - assigning a method; mypy forbids the attribute form
    return cls


def check_type(owner: str, name: str, value: object, kind: type | tuple[type, ...], allowed: str) -> None:
    """Raise unless `value` is an instance of `kind`."""
    if not isinstance(value, kind):
        raise ScenarioError(f"{owner}.{name}={value!r}: allowed {allowed}")


def check_number(
    owner: str,
    name: str,
    value: object,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
) -> float:
    """Return `value` as a float, raising unless it is a finite number in [lo, hi] (or (lo, hi] if lo_open)."""
    if lo is not None and hi is not None:
        allowed = f"{'(' if lo_open else '['}{lo:g}, {hi:g}]"
    elif lo is not None:
        allowed = f"> {lo:g}" if lo_open else f">= {lo:g}"
    elif hi is not None:
        allowed = f"<= {hi:g}"
    else:
        allowed = "a finite number"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(f"{owner}.{name}={value!r}: allowed a finite number {allowed}")
    v = float(value)
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise ScenarioError(f"{owner}.{name}={value!r}: allowed {allowed}")
    if hi is not None and v > hi:
        raise ScenarioError(f"{owner}.{name}={value!r}: allowed {allowed}")
    return v


def check_int(owner: str, name: str, value: object, *, lo: int, hi: int | None = None) -> int:
    """Raise unless `value` is an int in lo..hi."""
    allowed = f"{lo}..{hi}" if hi is not None else f"an integer >= {lo}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{owner}.{name}={value!r}: allowed {allowed}")
    if value < lo or (hi is not None and value > hi):
        raise ScenarioError(f"{owner}.{name}={value!r}: allowed {allowed}")
    return value


def check_choice(owner: str, name: str, value: object, choices: Iterable[str]) -> str:
    """Raise unless `value` is one of `choices`."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        hint = _suggest(value, choices) if isinstance(value, str) else ""
        raise ScenarioError(f"{owner}.{name}={value!r}: allowed {', '.join(choices)}{hint}")
    return value


def check_keys(owner: str, data: object, allowed: Iterable[str]) -> dict[str, Any]:
    """Raise unless `data` is a dict whose keys are all in `allowed`; return it."""
    allowed = list(allowed)
    if not isinstance(data, dict):
        raise ScenarioError(f"{owner}: expected a dict with keys from {', '.join(allowed)}, got {data!r}")
    for key in data:
        if key not in allowed:
            raise unknown_field(owner, str(key), allowed)
    return data


def as_tuple(
    owner: str, name: str, value: object, item: type, convert: Callable[[Any], Any] | None = None
) -> tuple[Any, ...]:
    """Return a list or tuple as a tuple of `item`s (converting each with `convert` if given)."""
    if not isinstance(value, list | tuple):
        raise ScenarioError(f"{owner}.{name}={value!r}: allowed a tuple of {item.__name__}")
    out = tuple(convert(v) if convert is not None else v for v in value)
    for v in out:
        if not isinstance(v, item):
            raise ScenarioError(f"{owner}.{name}: item {v!r}: allowed {item.__name__}")
    return out
