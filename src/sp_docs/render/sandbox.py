"""The Jinja2 sandbox with limits: what one render of a template may cost.

``SandboxedEnvironment`` keeps templates away from Python internals; it does not
stop ``{{ 'a' * 10**9 }}``, nested ``range(100000)`` loops or ``lipsum(10**6)``.
Here every render (``Template.render``, which docxtpl calls too) runs with:

- a budget of ``range()`` items (``range`` is replaced; ``lipsum`` is removed);
- ``*``, ``+``, ``%`` and ``**`` checked before they build a huge string, list or number;
- a cap on the text the render produces;
- a wall-clock limit: SIGALRM in the main thread, plus checks at every call,
  attribute lookup and loop in any thread;
- a memory cap (main thread only): the soft ``RLIMIT_AS`` lowered to the process's
  current size plus ``render_memory_mb`` for the duration of the render, so a render
  that allocates past it gets ``MemoryError``, reported as a limit — never 内部错误.
  All of this costs about 0.25 ms per render (tests/test_limits.py bounds it).

Each trip raises ``limits.LimitExceeded`` naming the template and the limit.  A
template that tripped once is refused at once afterwards (a batch does not pay
the time limit again for every record).
"""
from __future__ import annotations

import contextlib
import contextvars
import math
import os
import re
import signal
import threading
import time

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import _PassArg

from .. import limits


class _Budget:
    def __init__(self, label: str, now: limits.Limits):
        self.label = label
        self.limits = now
        self.loops = now.render_loops
        self.chars = int(now.render_mb * 1024 * 1024)
        self.deadline = time.monotonic() + now.render_seconds
        self.calls = 0

    def tick(self) -> None:
        self.calls += 1
        if not self.calls & 31:  # the clock every 32 calls: cheap enough for every lookup
            self.check_clock()

    def check_clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.refuse("模板渲染的时间", "render_seconds")

    def refuse(self, what: str, name: str, value: str = "") -> limits.LimitExceeded:
        return limits.refuse(what, self.label, name, value)


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("sp_docs_render_budget", default=None)
_TRIPPED: dict[tuple, limits.LimitExceeded] = {}


def _budget() -> _Budget:
    budget = _BUDGET.get()
    if budget is None:  # outside LimitedTemplate.render (e.g. a macro called from Python): per call
        budget = _Budget("模板", limits.current())
    return budget


def _file_key(label: str) -> tuple:
    try:
        stat = os.stat(label)
        return (label, stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError):
        return (label,)


class _Timeout(BaseException):
    """Raised by SIGALRM inside the render; turned into LimitExceeded at its edge."""


@contextlib.contextmanager
def _memory_cap(megabytes: float):
    """The process-wide RLIMIT_AS, lowered only from the main thread: in a threaded
    server it would also fail other requests' allocations (render user templates
    in a worker process there — its main thread gets the cap)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as handle:
            size = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        yield
        return
    cap = size + int(megabytes * 1024 * 1024)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    lowered = soft == resource.RLIM_INFINITY or cap < soft
    if lowered:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        if lowered:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def _alarm(seconds: float):
    usable = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0]:
        yield  # not the main thread, or someone else's timer: the cooperative checks only
        return

    def expire(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def contained(label: str):
    """Run one render of ``label`` under the limits (nested renders share the outer budget)."""
    key = _file_key(label)
    if len(key) > 1 and key in _TRIPPED:  # a template file that tripped before (same content)
        raise _TRIPPED[key]
    if _BUDGET.get() is not None:
        yield _BUDGET.get()
        return
    now = limits.current()
    budget = _Budget(label, now)
    token = _BUDGET.set(budget)
    try:
        with _memory_cap(now.render_memory_mb), _alarm(now.render_seconds):
            yield budget
    except _Timeout:
        error = budget.refuse("模板渲染的时间", "render_seconds")
        _trip(key, error)
        raise error from None
    except MemoryError:
        error = budget.refuse("模板渲染占用的内存", "render_memory_mb")
        _trip(key, error)
        raise error from None
    except limits.LimitExceeded as exc:
        _trip(key, exc)
        raise
    finally:
        _BUDGET.reset(token)


def _trip(key: tuple, error: limits.LimitExceeded) -> None:
    if len(key) > 1:
        _TRIPPED[key] = error


class LimitedTemplate(jinja2.Template):
    _sp_tripped: limits.LimitExceeded | None = None

    def render(self, *args, **kwargs) -> str:
        if self._sp_tripped is not None:  # e.g. certificate wording: refused once, refused at once
            raise self._sp_tripped
        try:
            return self._render(*args, **kwargs)
        except limits.LimitExceeded as exc:
            self._sp_tripped = exc
            raise

    def _render(self, *args, **kwargs) -> str:
        label = getattr(self.environment, "sp_label", None) or self.name or "模板"
        with contained(label) as budget:
            context = self.new_context(dict(*args, **kwargs))
            parts, size = [], 0
            try:
                for chunk in self.root_render_func(context):
                    size += len(chunk)
                    if size > budget.chars:
                        raise budget.refuse("模板渲染输出的文字", "render_mb")
                    budget.tick()
                    parts.append(chunk)
            except (limits.LimitExceeded, _Timeout, MemoryError):
                raise
            except Exception:
                self.environment.handle_exception()
            return "".join(parts)


_FORMAT_WIDTH = re.compile(r"%[-+ #0]*(\d+|\*)?(?:\.(\d+|\*))?")


class LimitedEnvironment(SandboxedEnvironment):
    template_class = LimitedTemplate
    intercepted_binops = frozenset({"*", "+", "%", "**"})
    sp_label: str | None = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("optimized", False)  # no constant folding: '{{ "a"|center(10**9) }}' at compile time
        super().__init__(*args, **kwargs)
        self.globals["range"] = limited_range
        self.globals.pop("lipsum", None)
        self.filters = {name: _unfoldable(name, f) for name, f in self.filters.items()}

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        # the compiler evaluates constant output ({{ "a"|center(10**9) }}): under the limits too
        with contained(self.sp_label or name or "模板"):
            return super().compile(source, name, filename, raw, defer_init)

    def call_binop(self, context, operator, left, right):
        budget = _budget()
        budget.tick()
        if operator == "*":
            _check_repeat(budget, left, right)
            _check_repeat(budget, right, left)
        elif operator == "+" and _sized(left) and _sized(right):
            if len(left) + len(right) > budget.chars:
                raise budget.refuse("模板中“+”得到的字符串或列表", "render_mb")
        elif operator == "**" and _is_int(left) and _is_int(right):
            if abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > 64 * 1024:
                raise budget.refuse("模板中乘方“**”的结果", "render_mb", f"{left}**{right}")
        elif operator == "%" and isinstance(left, str):
            widths = [int(n) for m in _FORMAT_WIDTH.finditer(left) for n in m.groups() if n and n.isdigit()]
            if any(w > budget.chars for w in widths):
                raise budget.refuse("模板中“%”格式的宽度", "render_mb", f"要求 {max(widths):,}")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        budget = _budget()
        budget.tick()
        big = [v for v in (*args, *kwargs.values()) if _is_int(v) and v > budget.chars]
        if big and getattr(__obj, "__self__", None).__class__ in (str, list, bytes, tuple):
            raise budget.refuse("模板中字符串或列表的长度", "render_mb", f"要求 {big[0]:,}")
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj, attribute):
        budget = _BUDGET.get()  # the hottest path: the clock check inlined
        if budget is not None:
            budget.calls += 1
            if not budget.calls & 31:
                budget.check_clock()
        return SandboxedEnvironment.getattr(self, obj, attribute)

    def getitem(self, obj, argument):
        budget = _BUDGET.get()
        if budget is not None:
            budget.calls += 1
            if not budget.calls & 31:
                budget.check_clock()
        return SandboxedEnvironment.getitem(self, obj, argument)


def _unfoldable(name: str, func):
    """The filter behind a ``pass_context`` wrapper: Jinja's code generator (also run by
    ``meta.find_undeclared_variables`` and docxtpl's variable scan, outside any render)
    then never calls it on constants, and each call checks the render's clock and the
    size of what it would build (``center``, ``indent``, ``replace``, ``format``…: in a
    worker thread there is no memory cap to catch them)."""
    kind = _PassArg.from_obj(func)

    @jinja2.pass_context
    def wrapper(context, *args, **kwargs):
        budget = _budget()
        budget.tick()
        if len(args) > 1 or kwargs:  # a filter without arguments cannot blow up its value
            _check_filter(budget, name, args, kwargs)
        if kind is _PassArg.context:
            return func(context, *args, **kwargs)
        if kind is _PassArg.eval_context:
            return func(context.eval_ctx, *args, **kwargs)
        if kind is _PassArg.environment:
            return func(context.environment, *args, **kwargs)
        return func(*args, **kwargs)

    return wrapper


def _check_filter(budget: _Budget, name: str, args: tuple, kwargs: dict) -> None:
    """Refuse a filter call whose result would exceed the render's text limit."""
    cap = budget.chars
    numbers = [v for v in (*args[1:], *kwargs.values()) if _is_int(v)]
    value = args[0] if args else None
    if any(n > cap for n in numbers):
        raise budget.refuse(f"模板中过滤器 {name} 的参数", "render_mb", f"要求 {max(numbers):,}")
    if not isinstance(value, str):
        return
    if name == "indent" and numbers and numbers[0] * (value.count("\n") + 1) > cap:
        raise budget.refuse("模板中 indent 得到的文字", "render_mb")
    if name == "replace" and len(args) >= 3 and isinstance(args[1], str) and isinstance(args[2], str):
        count = value.count(args[1]) if args[1] else len(value) + 1
        if len(value) + count * (len(args[2]) - len(args[1])) > cap:
            raise budget.refuse("模板中 replace 得到的文字", "render_mb")
    if name == "format":
        widths = [int(n) for m in _FORMAT_WIDTH.finditer(value) for n in m.groups() if n and n.isdigit()]
        if any(w > cap for w in widths):
            raise budget.refuse("模板中“format”格式的宽度", "render_mb", f"要求 {max(widths):,}")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sized(value) -> bool:
    return isinstance(value, (str, list, tuple, bytes))


def _check_repeat(budget: _Budget, sequence, times) -> None:
    if _sized(sequence) and _is_int(times) and len(sequence) * times > budget.chars:
        raise budget.refuse("模板中“*”重复得到的字符串或列表", "render_mb", f"{len(sequence):,} × {times:,}")


def limited_range(*args):
    """``range`` that draws from the render's loop budget (and never raises OverflowError)."""
    budget = _budget()
    budget.tick()
    try:
        items = range(*args)
        count = len(items)
    except OverflowError:
        count = budget.loops + 1
    except TypeError as exc:
        raise jinja2.TemplateRuntimeError(f"range 的参数应为整数：{exc}") from None
    if count > budget.loops:
        raise budget.refuse("模板中 range() 的循环次数", "render_loops",
                            f"本次渲染还可用 {budget.loops:,} 次，要求 {count:,} 次")
    budget.loops -= count
    return _TickingRange(items, budget)


class _TickingRange:
    """A range whose iteration checks the render's clock (``len``, indexing as usual)."""

    def __init__(self, items: range, budget: _Budget):
        self.items, self.budget = items, budget

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]

    def __iter__(self):
        for n, item in enumerate(self.items):
            if n % 1024 == 0:
                self.budget.tick()
            yield item

    def __repr__(self) -> str:
        return repr(self.items)
