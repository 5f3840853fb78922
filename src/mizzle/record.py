"""Plain record classes, for the modules `mizzle migrate` imports when there is nothing to do — a speed trick.

What it buys: a dataclass compiles its `__init__`, `__repr__` and `__eq__` (a frozen one also `__setattr__`,
`__delattr__` and `__hash__`) with exec when its module is imported — ~0.6 ms a class, ~1.8 ms for the config's —
and `import dataclasses` brings inspect (with ast, dis, tokenize) along: ~6 ms. The 14 record classes of the
config, the migrations folder, the tracking rows and the runner cost ~17 ms of CPU at every start, a sixth of a
`mizzle migrate` with nothing to do and 1,000 migrations applied (measured 2026-12-06: 63.8 → 46.9 ms to import
those modules). These classes write their `__init__` by hand; the fields are its parameters, in order, each kept
under its own name. Record gives what the dataclass gave: `__repr__` and `__eq__` (same class, equal fields) from
those fields, and no hash; FrozenRecord adds immutability, a hash of the fields and `replace()`. Its `__init__`
sets the fields through `self.__dict__`. Everything else in mizzle uses dataclasses."""

from __future__ import annotations

from typing import Any, TypeVar

_R = TypeVar("_R", bound="FrozenRecord")


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        init = cls.__dict__.get("__init__")
        if init is not None:  # the fields: the parameters of the class's own __init__ (else its base's fields)
            code = init.__code__
            cls._fields = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount]

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self._fields)})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value: unhashable, as a dataclass

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._fields)


class FrozenError(AttributeError):
    """An assignment to a FrozenRecord's field (dataclasses.FrozenInstanceError's counterpart)."""


class FrozenRecord(Record):
    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._values())

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with `changes` (dataclasses.replace)."""
        return type(self)(**{**{f: getattr(self, f) for f in self._fields}, **changes})
