"""Exception tracebacks in the form bloop groups by.

bloop groups an error on its type, its normalized message and the first *in-app* frame line of its
stack. Python prints tracebacks most recent call *last*, so the first frame would be the outermost
caller (``<module>``) and every error of a script would share it. Frames are therefore written
most recent call first, in Python's own frame format, with no header line (its message varies)::

      File "/srv/shop/payments.py", line 42, in charge
        raise PaymentDeclined("card declined")
      File "/srv/shop/views.py", line 10, in checkout
        charge(card)
    Caused by: KeyError: 'card'
      File "/srv/shop/payments.py", line 38, in charge
        token = cards[user_id]

Chained exceptions follow as ``Caused by: Type: message`` (``raise ... from`` and the implicit
context alike, unless suppressed with ``from None``). The source line is printed for the
application's frames only: the server reads every non-empty line as a frame candidate, so a library
frame's source line would otherwise be taken for an in-app frame.
"""
import functools
import linecache
import os
import site
import sys
import sysconfig
from types import TracebackType
from typing import List, Optional, Set, Tuple

from . import _wire

MAX_CHAIN = 10
MAX_FRAMES = 50  # per exception, the innermost ones; the rest is summed up as "... N more"
_REPEAT_SHOWN = 3  # as Python: identical frames after the third are summed up


def type_name(exc_type: type) -> str:
    """The exception's type as Python's traceback prints it: module-qualified unless builtins/__main__."""
    name = getattr(exc_type, "__qualname__", None) or getattr(exc_type, "__name__", None) or "Exception"
    module = getattr(exc_type, "__module__", None)
    if module and module not in ("builtins", "__main__"):
        return "%s.%s" % (module, name)
    return name


def exception_message(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = "<exception str() failed>"
    return text


def _library_roots() -> Tuple[str, ...]:
    roots = set()
    try:
        paths = sysconfig.get_paths()
        for key in ("stdlib", "platstdlib", "purelib", "platlib"):
            if paths.get(key):
                roots.add(os.path.realpath(paths[key]))
    except Exception:
        pass
    try:
        for p in site.getsitepackages() + [site.getusersitepackages()]:
            roots.add(os.path.realpath(p))
    except Exception:  # site.getsitepackages is missing in some virtualenvs
        pass
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix):
        if p:
            roots.add(os.path.join(os.path.realpath(p), "lib"))
    return tuple(sorted(r.rstrip(os.sep) + os.sep for r in roots if r))


_LIBRARY_ROOTS = _library_roots()
_BLOOP_DIR = os.path.dirname(os.path.realpath(__file__)) + os.sep


@functools.lru_cache(maxsize=2048)
def is_library_file(filename: str) -> bool:
    """Standard library, installed packages, frozen modules and this SDK are not the application."""
    if not filename or filename.startswith("<"):
        return True
    if "site-packages" in filename or "dist-packages" in filename:
        return True
    path = os.path.realpath(filename) if os.path.isabs(filename) else filename
    if path.startswith(_BLOOP_DIR):
        return True
    return any(path.startswith(root) for root in _LIBRARY_ROOTS)


def _frames(tb: Optional[TracebackType]) -> List[Tuple[str, int, str]]:
    out = []
    while tb is not None:
        code = tb.tb_frame.f_code
        out.append((code.co_filename, tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return out


def _chain(exc: BaseException) -> List[Tuple[BaseException, bool]]:
    """The exception, then its causes: (exception, is_first)."""
    out = []
    seen: Set[int] = set()
    current: Optional[BaseException] = exc
    while current is not None and id(current) not in seen and len(out) < MAX_CHAIN:
        seen.add(id(current))
        out.append((current, not out))
        if current.__cause__ is not None:
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            current = current.__context__
        else:
            current = None
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split()) if ("\n" in text or "\r" in text) else text


class _Budget:
    def __init__(self, max_bytes: int) -> None:
        self.left = max_bytes
        self.lines: List[str] = []

    def add(self, line: str) -> bool:
        line = _wire.clean_text(line) + "\n"
        size = len(line.encode("utf-8"))
        if size > self.left:
            self.left = 0
            return False
        self.lines.append(line)
        self.left -= size
        return True


def format_stack(exc: BaseException, max_bytes: int = _wire.STACK_BYTES) -> str:
    """The stack of ``exc`` and its causes, most recent call first, cut on a line boundary so it fits
    in ``max_bytes`` UTF-8 bytes."""
    out = _Budget(max_bytes)
    for current, first in _chain(exc):
        if not first:
            message = _one_line(exception_message(current))
            header = "Caused by: " + type_name(type(current)) + (": " + message if message else "")
            if not out.add(_wire.truncate_utf8(header, 512)):
                break
        frames = _frames(current.__traceback__)
        frames.reverse()  # most recent call first
        if not _add_frames(out, frames):
            break
    return "".join(out.lines)


def _add_frames(out: _Budget, frames: List[Tuple[str, int, str]]) -> bool:
    shown = 0
    i = 0
    n = len(frames)
    while i < n:
        if shown >= MAX_FRAMES:
            return out.add("  ... %d more" % (n - i))
        filename, lineno, name = frames[i]
        # A run of identical frames (recursion) is shown three times, then summed up.
        run = 1
        while i + run < n and frames[i + run] == frames[i]:
            run += 1
        for _ in range(min(run, _REPEAT_SHOWN)):
            if not out.add('  File "%s", line %d, in %s' % (filename, lineno, name)):
                return False
            if not is_library_file(filename):
                source = linecache.getline(filename, lineno).strip()
                if source and not out.add("    " + source):
                    return False
            shown += 1
        if run > _REPEAT_SHOWN:
            # "... N more" is what the server's frame picker knows to skip.
            if not out.add("  ... same frame repeated, %d more" % (run - _REPEAT_SHOWN)):
                return False
        i += run
    return True
