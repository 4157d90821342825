"""Script policy (脚本策略): diagrams are untrusted, so expressions and scripts are a small
Python subset, checked with ``ast`` at deploy and again (cached) before every run, and run with
restricted builtins.

Allowed: literals, names of task data, arithmetic, comparisons, boolean logic, subscripts,
comprehensions, conditional expressions, f-strings, calls to :data:`SAFE_CALLABLES` and to the
methods in :data:`SAFE_METHODS`; in scripts also assignment, ``del``, ``if``, ``for``.
Refused: anything else — dunder or underscore names and attributes, imports, lambdas,
function/class definitions, ``while``, ``try``, ``with``, ``exec``/``eval``/``open``/…
"""

from __future__ import annotations

import ast
import functools
from datetime import date, datetime, timedelta
from decimal import Decimal

SAFE_CALLABLES = {
    "len": len, "sum": sum, "min": min, "max": max, "round": round, "abs": abs,
    "sorted": sorted, "any": any, "all": all, "int": int, "float": float, "str": str,
    "bool": bool, "list": list, "dict": dict, "set": set, "tuple": tuple, "range": range,
    "enumerate": enumerate, "zip": zip, "reversed": reversed,
    "Decimal": Decimal, "date": date, "datetime": datetime, "timedelta": timedelta,
}  # fmt: skip

SAFE_METHODS = frozenset(
    "get items keys values append extend pop update setdefault remove insert sort copy count "
    "index strip lstrip rstrip lower upper startswith endswith split join replace "
    "year month day isoformat weekday days quantize".split()
)

_NODES = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Store, ast.Del,
    ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Is, ast.IsNot, ast.IfExp, ast.Subscript, ast.Slice, ast.List, ast.Tuple, ast.Dict,
    ast.Set, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
    ast.Call, ast.keyword, ast.Attribute, ast.JoinedStr, ast.FormattedValue, ast.Starred,
)  # fmt: skip
_STATEMENTS = (
    ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.Delete, ast.If, ast.For,
    ast.Pass, ast.Break, ast.Continue,
)  # fmt: skip
FORBIDDEN_NAMES = frozenset(
    "exec eval open compile getattr setattr delattr globals locals vars input breakpoint "
    "help dir type object super memoryview classmethod staticmethod property format".split()
)


class PolicyViolation(ValueError):
    """An expression or script outside the allowed subset; ``reason`` says what was found."""

    def __init__(self, reason: str, source: str = ""):
        super().__init__(f"{reason}: {source!r}" if source else reason)
        self.reason = reason
        self.source = source


def _check_node(node: ast.AST, allowed: tuple) -> None:
    if not isinstance(node, allowed):
        raise PolicyViolation(f"{type(node).__name__} is not allowed")
    if isinstance(node, ast.Name):
        if node.id.startswith("_") or node.id in FORBIDDEN_NAMES:
            raise PolicyViolation(f"name {node.id!r} is not allowed")
    elif isinstance(node, ast.Attribute):
        if node.attr not in SAFE_METHODS:
            raise PolicyViolation(f"attribute {node.attr!r} is not allowed")
    elif isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id not in SAFE_CALLABLES:
            raise PolicyViolation(f"call to {func.id!r} is not allowed")
        if not isinstance(func, ast.Name | ast.Attribute):
            raise PolicyViolation("only calls to named functions and methods are allowed")
    elif isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        raise PolicyViolation("bytes literals are not allowed")


@functools.lru_cache(maxsize=4096)
def check_source(source: str, mode: str = "eval") -> None:
    """Raise :class:`PolicyViolation` unless ``source`` is in the allowed subset.

    ``mode`` is ``"eval"`` for expressions, ``"exec"`` for scripts.
    """
    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except SyntaxError as exc:
        raise PolicyViolation(f"syntax error: {exc.msg}", source) from None
    allowed = _NODES + (_STATEMENTS if mode == "exec" else ())
    try:
        for node in ast.walk(tree):
            _check_node(node, allowed)
    except PolicyViolation as exc:
        raise PolicyViolation(exc.reason, source) from None


# Handed to eval/exec as __builtins__, so the real builtins module is never reachable.
SAFE_BUILTINS = {"True": True, "False": False, "None": None, **SAFE_CALLABLES}
