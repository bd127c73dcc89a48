"""JSON read with limits: size, nesting, number literals, unstorable characters. No Django.

Used by the API's parser (genba.api.parser), POST /api/v1/quotes and `genba quote` (which runs
without Django settings, so this module imports nothing of Django; messages are English here and
translated by code in genba.api.parser).

- MAX_JSON_BYTES: a body larger is refused (413 over HTTP) before it is parsed.
- MAX_JSON_DEPTH: arrays and objects nested deeper are refused (100,000 levels were a
  RecursionError, a 500).
- MAX_NUMBER_CHARS / MAX_NUMBER_EXPONENT: a number literal longer, or whose decimal exponent is
  beyond ±30 (1e400), is refused: converting 1e1000000 to an int froze a worker for 23 s.
- NaN and Infinity are refused; NUL and lone surrogates in any string or key are refused naming
  the field (PostgreSQL cannot store them).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_NUMBER_CHARS = 30
MAX_NUMBER_EXPONENT = 30
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class JsonRefused(ValueError):
    """A JSON text refused before anything reads it: `status` 413 (too large) or 422."""

    def __init__(
        self, code: str, message: str, *, status: int = 422, field: str = "body", literal: str = ""
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message  # English; genba.api.parser translates by code
        self.status = status
        self.field = field
        self.literal = literal  # the number, constant or character refused


class NumberOutOfRange:
    """A number literal too long or too large to compute with, kept (not converted) so that the
    quote document can name the field it stands in: it is no int, Decimal or float, so every
    number check there refuses it."""

    __slots__ = ("literal",)

    def __init__(self, literal: str) -> None:
        self.literal = literal

    def __repr__(self) -> str:
        return self.literal if len(self.literal) <= 40 else self.literal[:37] + "..."


def number_out_of_range(literal: str) -> bool:
    """True for a literal over MAX_NUMBER_CHARS characters or with an exponent beyond
    ±MAX_NUMBER_EXPONENT (1e400, 1e-400); cheap whatever the literal (never converted whole)."""
    if len(literal) > MAX_NUMBER_CHARS:
        return True
    try:
        number = Decimal(literal)
    except InvalidOperation:
        return True
    return bool(number) and abs(number.adjusted()) > MAX_NUMBER_EXPONENT


def body_too_large() -> JsonRefused:
    return JsonRefused(
        "too_large",
        f"The body is larger than {MAX_JSON_BYTES:,} bytes.",
        status=413,
        literal=f"{MAX_JSON_BYTES:,}",
    )


def load_json(text: str | bytes, *, decimals: bool = False, keep_big_numbers: bool = False) -> Any:
    """JSON read within the limits above, else JsonRefused naming the reason.

    Numbers: with `decimals`, every non-integer is an exact Decimal; a literal out of range is
    refused, or with `keep_big_numbers` kept as a NumberOutOfRange for the caller to name. NaN and
    Infinity are refused. Strings (and keys) with NUL or a lone surrogate are refused naming the
    field. Invalid JSON raises ValueError as json.loads does.
    """
    if len(text) > MAX_JSON_BYTES:
        raise body_too_large()

    def number(literal: str, convert) -> Any:
        if number_out_of_range(literal):
            if keep_big_numbers:
                return NumberOutOfRange(literal)
            shown = repr(NumberOutOfRange(literal))
            raise JsonRefused(
                "number_out_of_range",
                f"A number has more than {MAX_NUMBER_CHARS} characters or an exponent beyond "
                f"±{MAX_NUMBER_EXPONENT}: {shown}",
                literal=shown,
            )
        return convert(literal)

    def constant(name: str) -> Any:
        raise JsonRefused("not_a_number", f"{name} is not a number JSON allows", literal=name)

    try:
        data = json.loads(
            text,
            parse_int=lambda literal: number(literal, int),
            parse_float=lambda literal: number(literal, Decimal if decimals else float),
            parse_constant=constant,
        )
    except RecursionError:
        raise _too_deep() from None
    _check_tree(data)
    return data


def _too_deep() -> JsonRefused:
    return JsonRefused(
        "too_deep",
        f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.",
        literal=str(MAX_JSON_DEPTH),
    )


def _path(parts: tuple) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "body"


def _check_string(value: str, parts: tuple) -> None:
    found = _UNSTORABLE.search(value)
    if found is not None:
        char = f"U+{ord(found.group()):04X}"
        raise JsonRefused(
            "control_character",
            f"Contains a character no text may hold ({char}).",
            field=_path(parts),
            literal=char,
        )


def _check_tree(data: Any) -> None:
    """Depth and strings, walked without recursion (the walk itself must not overflow)."""
    stack = [(data, 1, ())]
    while stack:
        value, depth, parts = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_string(key, parts)
                    stack.append((item, depth + 1, (*parts, key)))
            else:
                stack.extend((item, depth + 1, (*parts, i)) for i, item in enumerate(value))
        elif isinstance(value, str):
            _check_string(value, parts)
