"""Time budgets: a check that runs longer than its budget on a file is stopped there.

One watchdog thread per process raises :class:`OverBudget` in the thread running a check whose
deadline has passed (``PyThreadState_SetAsyncExc``: the same way Ctrl-C reaches Python code, so
it works in any thread, pool worker or Dask worker). The exception arrives at the next Python
instruction: pure-Python checks stop at once, a native call (Harper) when it returns, which is
why such engines are fed bounded parts. :class:`OverBudget` is a ``BaseException`` so that a
check's own ``except Exception`` cannot swallow it; the runner catches it and reports the check.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from typing import Any

DEFAULT_CHECK_SECONDS = 300.0  # per MB of text: Harper on 1 MB takes ~30 s on an idle core
DEFAULT_FILE_SECONDS = 900.0


class OverBudget(BaseException):
    """Raised in a check's thread when its deadline has passed."""


class Deadline:
    """A context manager: :class:`OverBudget` is raised in this thread once ``seconds`` have passed
    (None: never). One deadline per thread at a time."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.fired = False
        self.thread = 0
        self.at = 0.0

    def __enter__(self) -> "Deadline":
        if self.seconds is not None:
            self.thread = threading.get_ident()
            self.at = time.monotonic() + self.seconds
            _WATCHDOG.arm(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.seconds is not None:
            _WATCHDOG.disarm(self)


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in ``thread`` at its next instruction (None: take back one not raised yet)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc) if exc else None)


class _Watchdog:
    """The armed deadlines of this process, and the daemon thread that enforces them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: dict[int, Deadline] = {}  # by thread
        self._thread: threading.Thread | None = None

    def arm(self, deadline: Deadline) -> None:
        with self._cond:
            self._armed[deadline.thread] = deadline
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="copydesk-budget", daemon=True)
                self._thread.start()
            self._cond.notify()

    def disarm(self, deadline: Deadline) -> None:
        with self._cond:
            if self._armed.get(deadline.thread) is deadline:
                del self._armed[deadline.thread]
            if deadline.fired:
                _raise_in(deadline.thread, None)  # fired as the check ended: not raised after it

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for thread, d in list(self._armed.items()):
                    if d.at <= now:
                        d.fired = True
                        del self._armed[thread]
                        _raise_in(thread, OverBudget)
                nxt = min((d.at for d in self._armed.values()), default=None)
                self._cond.wait(None if nxt is None else max(0.0, nxt - now))


_WATCHDOG = _Watchdog()


def _after_fork() -> None:
    global _WATCHDOG
    _WATCHDOG = _Watchdog()  # the parent's thread does not exist in the child


os.register_at_fork(after_in_child=_after_fork)


class Limits:
    """The time budgets of one file's checks: each check at most ``settings.check_budget`` seconds,
    all of them together at most ``settings.file_budget``, both per started megabyte of text (a
    book may take longer than an article; a busy machine slows everything). 0 or null: no limit."""

    def __init__(self, settings: dict[str, Any], size: int = 0) -> None:
        self.scale = max(1, -(-size // MEGABYTE))
        self.check = _seconds(settings, "check_budget", DEFAULT_CHECK_SECONDS)
        self.file = _seconds(settings, "file_budget", DEFAULT_FILE_SECONDS)
        self._end = None if self.file is None else time.monotonic() + self.file * self.scale

    def next(self) -> tuple[float | None, str]:
        """The seconds the next check may run (None: no limit) and the setting that sets them."""
        left = None if self._end is None else self._end - time.monotonic()
        if left is not None and (self.check is None or left < self.check * self.scale):
            return left, self._say("file_budget", self.file)
        return (None, "") if self.check is None else (self.check * self.scale, self._say("check_budget", self.check))

    def _say(self, key: str, seconds: float | None) -> str:
        per = f" per MB, {seconds * self.scale:g} s for this file" if self.scale > 1 else ""
        return f"settings.{key}: {seconds:g} s{per}"


MEGABYTE = 1_000_000


def _seconds(settings: dict[str, Any], key: str, default: float) -> float | None:
    value = settings.get(key, default)
    return float(value) if value else None
