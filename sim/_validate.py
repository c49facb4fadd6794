"""Checks shared by the scenario's parts: each raises ValueError naming the field, the value and what is allowed."""

from __future__ import annotations

import difflib
import functools
import math
import reprlib
from collections.abc import Callable, Iterable
from dataclasses import MISSING, fields
from typing import Any, TypeVar

__all__ = [
    "MissingFieldError",
    "ScenarioError",
    "UnknownFieldError",
    "as_tuple",
    "check_bool",
    "check_choice",
    "check_int",
    "check_keys",
    "check_number",
    "check_type",
    "show",
    "strict",
    "unknown_field",
]

T = TypeVar("T")


class ScenarioError(ValueError):
    """An impossible value in a scenario: the message names the field, the value and what is allowed."""


class UnknownFieldError(ScenarioError, TypeError):
    """A keyword or dict key that is not a field (a typo); also a TypeError, as Python raises for bad keywords."""


class MissingFieldError(ScenarioError, TypeError):
    """A required field that was not given; also a TypeError, as Python raises for a missing argument."""


_BIG_INT_BITS = 70  # about 21 digits: past this an int is shown by its size (repr fails past 4300 digits)


def _big_int(value: int) -> str:
    digits = int(value.bit_length() * math.log10(2)) + 1
    return f"<{'negative ' if value < 0 else ''}int of about {digits} digits>"


class _Repr(reprlib.Repr):
    """reprlib's short repr, with huge ints (also inside lists and dicts) shown by their size."""

    def repr_int(self, x: int, level: int) -> str:
        return _big_int(x) if x.bit_length() > _BIG_INT_BITS else super().repr_int(x, level)


# Values in messages are shown short: a whole list of garbage, or a 10,000-character string, helps nobody.
_REPR = _Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = 6
_REPR.maxlevel = 3


def show(value: object) -> str:
    """`value` as an error message shows it: its repr, shortened; a huge int by its number of digits."""
    return _REPR.repr(value)


def _suggest(name: object, allowed: Iterable[str]) -> str:
    if not isinstance(name, str) or not name:
        return ""
    close = difflib.get_close_matches(name, list(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_field(owner: str, name: object, allowed: Iterable[str]) -> UnknownFieldError:
    """The error for a field name (or dict key) that `owner` does not have."""
    allowed = list(allowed)
    if isinstance(name, str) and name.isidentifier():
        where = f"{owner}.{name}"
    elif name == "":
        where = f"{owner}: key '' (empty)"
    else:
        where = f"{owner}: key {show(name)}"
    return UnknownFieldError(f"{where}: unknown field{_suggest(name, allowed)}; allowed: {', '.join(allowed)}")


def _required(cls: type) -> tuple[str, ...]:
    return tuple(
        f.name for f in fields(cls) if f.init and f.default is MISSING and f.default_factory is MISSING
    )


def strict(cls: type[T]) -> type[T]:
    """Make a dataclass's constructor raise ScenarioError, not a bare TypeError, for what Python would refuse:
    an unknown keyword (UnknownFieldError), a missing required field (MissingFieldError), too many positional
    values, or a field given both by position and by keyword."""
    init = cls.__init__
    names = tuple(f.name for f in fields(cls) if f.init)  # type: ignore[arg-type]
    required = _required(cls)

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        owner = cls.__name__
        for key in kwargs:
            if key not in names:
                raise unknown_field(owner, key, names)
        if len(args) > len(names):
            raise ScenarioError(f"{owner}: takes at most {len(names)} positional values, got {len(args)}")
        for key in names[: len(args)]:
            if key in kwargs:
                raise ScenarioError(f"{owner}.{key}: given twice (by position and by keyword); allowed once")
        for key in required:
            if key not in kwargs and key not in names[: len(args)]:
                raise MissingFieldError(f"{owner}.{key}: missing; a required field (required: {', '.join(required)})")
        init(self, *args, **kwargs)

    setattr(cls, "__init__", __init__)  # noqa: B010 - assigning a method; mypy forbids the attribute form
    return cls


def check_type(owner: str, name: str, value: object, kind: type | tuple[type, ...], allowed: str) -> None:
    """Raise unless `value` is an instance of `kind`."""
    if not isinstance(value, kind):
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed {allowed}")


def check_bool(owner: str, name: str, value: object) -> bool:
    """Return `value` if it is True or False; raise for anything else ("no", 0, None), which bool() would take."""
    if not isinstance(value, bool):
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed True or False")
    return value


def _finite(value: object) -> bool:
    """True for an int or float (not a bool) that is a finite float: a huge int is not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


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
    if not _finite(value):
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed a finite number {allowed}")
    v = float(value)  # type: ignore[arg-type]
    if lo is not None and (v < lo or (lo_open and v == lo)):
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed {allowed}")
    if hi is not None and v > hi:
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed {allowed}")
    return v


def check_int(owner: str, name: str, value: object, *, lo: int, hi: int | None = None) -> int:
    """Raise unless `value` is an int in lo..hi."""
    allowed = f"{lo}..{hi}" if hi is not None else f"an integer >= {lo}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed {allowed}")
    if value < lo or (hi is not None and value > hi):
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed {allowed}")
    return value


def check_choice(owner: str, name: str, value: object, choices: Iterable[str]) -> str:
    """Raise unless `value` is one of `choices`."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        hint = _suggest(value, choices)
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed {', '.join(choices)}{hint}")
    return value


def check_keys(owner: str, data: object, allowed: Iterable[str]) -> dict[str, Any]:
    """Raise unless `data` is a dict whose keys are all in `allowed`; return it."""
    allowed = list(allowed)
    if not isinstance(data, dict):
        raise ScenarioError(f"{owner}={show(data)}: allowed a dict with keys from {', '.join(allowed)}")
    for key in data:
        if not isinstance(key, str) or key not in allowed:
            raise unknown_field(owner, key, allowed)
    return data


def as_tuple(
    owner: str, name: str, value: object, item: type, convert: Callable[[Any], Any] | None = None
) -> tuple[Any, ...]:
    """Return a list or tuple as a tuple of `item`s (converting each with `convert` if given)."""
    if not isinstance(value, list | tuple):
        raise ScenarioError(f"{owner}.{name}={show(value)}: allowed a tuple of {item.__name__}")
    out = tuple(convert(v) if convert is not None else v for v in value)
    for v in out:
        if not isinstance(v, item):
            raise ScenarioError(f"{owner}.{name}: item {show(v)}: allowed {item.__name__}")
    return out
