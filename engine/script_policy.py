"""Script policy (脚本策略): diagrams are untrusted, so expressions and scripts are a small
Python subset, checked with ``ast`` at deploy and again (cached) before every run, and run with
restricted builtins.

Allowed: literals, names of task data, arithmetic, comparisons, boolean logic, subscripts,
comprehensions, conditional expressions, f-strings, calls to :data:`SAFE_CALLABLES` and to the
methods in :data:`SAFE_METHODS`; in scripts also assignment, ``del``, ``if``, ``for``.
Refused: anything else — dunder or underscore names and attributes, imports, lambdas,
function/class definitions, ``while``, ``try``, ``with``, ``exec``/``eval``/``open``/…

Bounded: a diagram cannot freeze or exhaust the server.  ``**`` and ``*`` on numbers and
sequences, and ``range``, go through guards (:func:`guarded`) that refuse a result above
:data:`MAX_INT_BITS` bits or :data:`MAX_ITEMS` items before computing it; every loop and
comprehension step counts against a per-evaluation :class:`Budget` of steps and seconds.  A
constant that breaks a guard (``7 ** (2 * 10 ** 7)``) is refused at deploy already.
"""

from __future__ import annotations

import ast
import functools
import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

MAX_INT_BITS = 100_000  # about 30,000 decimal digits
MAX_ITEMS = 1_000_000  # a string, list or range longer than this is refused
MAX_STEPS = 1_000_000  # loop and comprehension steps per evaluation
MAX_SECONDS = 2.0  # wall time per evaluation, checked at each step

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


class BudgetExceeded(PolicyViolation):
    """A script or expression went over its budget of size, steps or time while running."""


class Budget:
    """The steps and time one evaluation may use (one per evaluate/execute call)."""

    def __init__(self, steps: int = MAX_STEPS, seconds: float = MAX_SECONDS):
        self.steps, self.deadline = steps, time.monotonic() + seconds

    def tick(self) -> bool:
        self.steps -= 1
        if self.steps < 0:
            raise BudgetExceeded(f"more than {MAX_STEPS} loop steps")
        if not self.steps % 1024 and time.monotonic() > self.deadline:
            raise BudgetExceeded(f"ran longer than {MAX_SECONDS:g} s")
        return True


_current = threading.local()


def _budget() -> Budget:
    budget = getattr(_current, "budget", None)
    if budget is None:  # evaluated outside run_bounded (e.g. the deploy's constant check)
        budget = _current.budget = Budget()
    return budget


def _int_bits(value) -> int:
    return value.bit_length() if isinstance(value, int) and not isinstance(value, bool) else 0


def _size(value) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _guard_pow(base, exponent):
    if _int_bits(base) and isinstance(exponent, int) and exponent > 0:
        if _int_bits(base) > 1 and _int_bits(base) * exponent > MAX_INT_BITS:
            raise BudgetExceeded(f"power too large ({MAX_INT_BITS} bits at most)")
    return base**exponent


def _guard_mul(left, right):
    for seq, n in ((left, right), (right, left)):
        if _size(seq) is not None and isinstance(n, int) and _size(seq) * n > MAX_ITEMS:
            raise BudgetExceeded(f"repetition too long ({MAX_ITEMS} items at most)")
    if _int_bits(left) + _int_bits(right) > MAX_INT_BITS:
        raise BudgetExceeded(f"product too large ({MAX_INT_BITS} bits at most)")
    return left * right


def _guard_range(*args):
    bounded = range(*args)
    if len(bounded) > MAX_ITEMS:
        raise BudgetExceeded(f"range too long ({MAX_ITEMS} items at most)")
    return bounded


def _guard_tick() -> bool:
    return _budget().tick()


# Injected by the rewrite below; their names start with "_" so no diagram can name them.
GUARDS = {"_zx_pow": _guard_pow, "_zx_mul": _guard_mul, "_zx_range": _guard_range,
          "_zx_tick": _guard_tick}  # fmt: skip
_GUARDED_OPS = {ast.Pow: "_zx_pow", ast.Mult: "_zx_mul"}


def _call(name: str, args: list) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[])


class _Bound(ast.NodeTransformer):
    """Rewrites checked source: guarded ``**``/``*``/``range``, a tick per loop step."""

    def visit_BinOp(self, node: ast.BinOp):
        self.generic_visit(node)
        name = _GUARDED_OPS.get(type(node.op))
        return _call(name, [node.left, node.right]) if name else node

    def visit_AugAssign(self, node: ast.AugAssign):
        self.generic_visit(node)
        name = _GUARDED_OPS.get(type(node.op))
        if name is None or not isinstance(node.target, ast.Name):
            return node
        load = ast.Name(id=node.target.id, ctx=ast.Load())
        return ast.Assign(targets=[node.target], value=_call(name, [load, node.value]))

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "range":
            node.func = ast.Name(id="_zx_range", ctx=ast.Load())
        return node

    def visit_For(self, node: ast.For):
        self.generic_visit(node)
        node.body.insert(0, ast.Expr(_call("_zx_tick", [])))
        return node

    def visit_comprehension(self, node: ast.comprehension):
        self.generic_visit(node)
        node.ifs.insert(0, _call("_zx_tick", []))
        return node


@functools.lru_cache(maxsize=4096)
def bounded_code(source: str, mode: str = "eval"):
    """The checked source compiled with its guards (cached): what the engine runs."""
    check_source(source, mode)
    tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    tree = ast.fix_missing_locations(_Bound().visit(tree))
    return compile(tree, "<diagram>", mode)


def run_bounded(run):
    """Call ``run()`` under a fresh budget for this thread (nested calls share it)."""
    if getattr(_current, "budget", None) is not None:
        return run()
    _current.budget = Budget()
    try:
        return run()
    finally:
        _current.budget = None


def _constant(node: ast.AST):
    """The value of a constant subexpression, computed through the guards; else LookupError."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_constant(node.operand)
    if isinstance(node, ast.List | ast.Tuple) and len(node.elts) <= 100:
        items = [_constant(e) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.BinOp) and type(node.op) in _GUARDED_OPS:
        op = _guard_pow if isinstance(node.op, ast.Pow) else _guard_mul
        return op(_constant(node.left), _constant(node.right))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        left, right = _constant(node.left), _constant(node.right)
        return left + right if isinstance(node.op, ast.Add) else left - right
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "range" and not node.keywords):  # fmt: skip
        return _guard_range(*[_constant(a) for a in node.args])
    raise LookupError


def _check_constants(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp | ast.Call):
            try:
                run_bounded(lambda n=node: _constant(n))
            except (LookupError, TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
                if isinstance(exc, BudgetExceeded):
                    raise PolicyViolation(exc.reason) from None


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
        _check_constants(tree)
    except PolicyViolation as exc:
        raise PolicyViolation(exc.reason, source) from None


# Handed to eval/exec as __builtins__, so the real builtins module is never reachable.
SAFE_BUILTINS = {"True": True, "False": False, "None": None, **SAFE_CALLABLES}
