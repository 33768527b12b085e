"""What the kind tests share: a channel's good body with one field changed."""

import copy
import functools
import operator
from collections.abc import Callable

import pytest


def changed(body: dict, path: str, value: object) -> dict:
    """A deep copy of `body` with the value at dotted `path` replaced (`...` deletes it)."""
    body = copy.deepcopy(body)
    *parents, last = [int(key) if key.isdigit() else key for key in path.split(".")]
    target = functools.reduce(operator.getitem, parents, body)
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return body


@pytest.fixture
def change() -> Callable[[dict, str, object], dict]:
    return changed
