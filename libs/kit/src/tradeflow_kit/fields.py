"""The strict field types every request body is made of (API.md "Conventions").

Rules, so that no input can reach PostgreSQL in a shape it refuses (a 500) or that we misread:
* Money is a JSON integer (never `"100"`, `100.0`, `1e3` or `true`) in minor units, 0 … the
  largest BIGINT; sums an input implies (quantity × unit price, an order's total) must fit too
  (`check_fits_bigint`).
* Counts (quantities, on-hand, priorities) are JSON integers that fit an INTEGER column.
* Currencies are ISO 4217 codes of money, upper case (bond, metal and test codes are refused).
* Text never holds NUL, other control characters or lone surrogates; single-line text (names,
  regions, ids) holds no line breaks either; every string has a length limit.
* Booleans are JSON `true`/`false` only; request models refuse unknown fields (`RequestModel`).
"""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic_core import PydanticCustomError
from pydantic_extra_types.currency_code import Currency

MAX_BIGINT = 2**63 - 1
MAX_INTEGER = 2**31 - 1
_MULTILINE_ALLOWED = frozenset("\n\r\t")


class RequestModel(BaseModel):
    """Base of every request body: an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def refuse_control_characters(value: str, *, multiline: bool = False) -> str:
    """NUL, other C0/C1 controls, line/paragraph separators and lone surrogates are refused;
    multi-line text may hold line breaks and tabs."""
    for ch in value:
        if multiline and ch in _MULTILINE_ALLOWED:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            raise PydanticCustomError("control_character", "must not contain control characters (found U+{code})",
                                      {"code": f"{ord(ch):04X}"})
    return value


def _single_line(value: str) -> str:
    return refuse_control_characters(value)


def _multiline(value: str) -> str:
    return refuse_control_characters(value, multiline=True)


def _no_whitespace(value: str) -> str:
    if any(ch.isspace() for ch in value):
        raise PydanticCustomError("id_whitespace", "must not contain whitespace")
    return value


def text(max_length: int, min_length: int = 1, *, multiline: bool = False) -> object:
    """A string type of bounded length without control characters (line breaks only if multi-line)."""
    return Annotated[StrictStr, Field(min_length=min_length, max_length=max_length),
                     AfterValidator(_multiline if multiline else _single_line)]


def identifier(max_length: int = 128) -> object:
    """An opaque id: 1…max_length characters, no whitespace or control characters."""
    return Annotated[StrictStr, Field(min_length=1, max_length=max_length),
                     AfterValidator(_single_line), AfterValidator(_no_whitespace)]


def _upper_case(value: object) -> object:
    if isinstance(value, str) and value != value.upper():
        raise PydanticCustomError("currency_case", "must be an upper-case ISO 4217 code such as CNY")
    return value


Amount = Annotated[StrictInt, Field(ge=0, le=MAX_BIGINT, description="integer minor units")]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_INTEGER)]
Quantity = Annotated[StrictInt, Field(gt=0, le=MAX_INTEGER)]
Flag = StrictBool
CurrencyCode = Annotated[Currency, BeforeValidator(_upper_case)]
Id = identifier()


def check_fits_bigint(total: int, what: str) -> int:
    """A sum or product an input implies must fit a BIGINT column (raised as a field error)."""
    if total > MAX_BIGINT:
        raise PydanticCustomError("amount_overflow", "{what} exceeds the largest amount ({max})",
                                  {"what": what, "max": MAX_BIGINT})
    return total
