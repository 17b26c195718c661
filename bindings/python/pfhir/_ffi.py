"""The ctypes declarations of libpfhir (include/pfhir.h) and the helpers that cross the boundary.

Private: use the classes of :mod:`pfhir`. Everything here follows ffi/README.md:

* a fallible call returns ``pfhir_error *`` (NULL = success) and writes its out-parameter only
  on success; :func:`check` turns an error into the matching :class:`pfhir.PfhirError`
  and always frees it;
* ``pfhir_str`` is borrowed (copied into a Python ``str`` at once), ``pfhir_bytes`` is owned
  (copied, then freed with ``pfhir_bytes_free``);
* inputs are ``(const uint8_t *, size_t)``: Python ``bytes`` objects, passed without a copy.

ctypes releases the GIL around every call into libpfhir, so validators and clients shared by
threads run in parallel.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from ctypes import POINTER, byref, c_bool, c_char_p, c_size_t, c_uint16, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

from ._abi import ABI_VERSION, ERR, HANDLE, OUT, SIGNATURES, PfhirBytes, PfhirStr

# Generated from include/pfhir.h (``cargo xtask gen``): the structs, the version and the
# ctypes signature of every function. The names below are what the rest of the binding uses.
_ERR, _H, _OUT = ERR, HANDLE, OUT
_SIGNATURES = SIGNATURES

#: Environment variable naming the library file to load.
LIBRARY_ENV = "PFHIR_LIBRARY"


_lib: Optional[ctypes.CDLL] = None
_lib_lock = threading.Lock()


def bundled_library_name() -> str:
    """The file name of the native library a wheel carries inside this package: ``pfhir.dll``
    on Windows, ``libpfhir.so`` elsewhere."""
    return "pfhir.dll" if sys.platform == "win32" else "libpfhir.so"


def library_path() -> Path:
    """The file :func:`lib` loads: ``$PFHIR_LIBRARY`` when set (the repository's tests and
    development builds), else the library bundled in this package by its wheel
    (:func:`bundled_library_name`), with no environment variable needed."""
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / bundled_library_name()


def lib() -> ctypes.CDLL:
    """The loaded library with every signature declared (loaded once, on first use)."""
    global _lib
    if _lib is not None:
        return _lib
    with _lib_lock:
        if _lib is None:
            _lib = _load()
    return _lib


def _load() -> ctypes.CDLL:
    from .errors import LibraryError

    path = library_path()
    if not path.is_file():
        raise LibraryError(
            f"libpfhir not found at {path}: install a pfhir wheel (it carries the library), "
            f"or set {LIBRARY_ENV} to the library file (cargo build -p pfhir-ffi builds "
            f"target/debug/libpfhir.so), or put {bundled_library_name()} next to the pfhir package"
        )
    try:
        handle = ctypes.CDLL(str(path))
    except OSError as e:
        raise LibraryError(f"cannot load libpfhir from {path}: {e}") from e
    missing = []
    for name, (restype, argtypes) in _SIGNATURES.items():
        try:
            fn = getattr(handle, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    if missing:
        raise LibraryError(f"{path} lacks {', '.join(missing)}: not a libpfhir this binding knows")
    version = (handle.pfhir_version() or b"").decode("ascii", "replace")
    parts = version.split(".")
    try:
        got = (int(parts[0]), int(parts[1]))
    except (IndexError, ValueError):
        got = (-1, -1)
    if got != ABI_VERSION:
        raise LibraryError(
            f"{path} is libpfhir {version}; this binding needs "
            f"{ABI_VERSION[0]}.{ABI_VERSION[1]}.x (ABI mismatch)"
        )
    return handle


def text(s: PfhirStr) -> Optional[str]:
    """Copies a borrowed ``pfhir_str``; ``None`` for ``{NULL, 0}``."""
    if not s.data:
        return None
    return ctypes.string_at(s.data, s.len).decode("utf-8")


def take_bytes(b: PfhirBytes) -> bytes:
    """Copies an owned ``pfhir_bytes`` and frees it."""
    try:
        return ctypes.string_at(b.data, b.len) if b.data else b""
    finally:
        lib().pfhir_bytes_free(b)


def check(err: Optional[int]) -> None:
    """Raises the exception of a returned ``pfhir_error *`` (and frees it); NULL returns."""
    if not err:
        return
    from .errors import error_from_handle

    raise error_from_handle(err)


def call_out(fn: Callable[..., Optional[int]], *args: Any) -> int:
    """Calls ``fn(*args, &out)`` for a handle out-parameter and returns the handle."""
    out = c_void_p()
    check(fn(*args, byref(out)))
    if not out.value:
        from .errors import ErrorCode, error_for

        raise error_for(ErrorCode.INTERNAL, f"{fn.__name__} succeeded without writing its result")
    return out.value


def call_bytes(fn: Callable[..., Optional[int]], *args: Any) -> bytes:
    """Calls ``fn(*args, &out)`` for a ``pfhir_bytes`` out-parameter and returns the bytes."""
    out = PfhirBytes()
    check(fn(*args, byref(out)))
    return take_bytes(out)


class Owned:
    """An owned C handle freed exactly once, and never while a call is using it.

    ``acquire()``/``release()`` bracket each call (any number of threads at once);
    ``close()`` marks the handle closed, waits for the calls in flight, then frees it. So a
    Python program cannot free a handle under another thread (undefined behaviour in C).
    """

    __slots__ = ("_ptr", "_free", "_what", "_cond", "_users")

    def __init__(self, ptr: int, free: Callable[[int], None], what: str) -> None:
        self._ptr: Optional[int] = ptr
        self._free = free
        self._what = what
        self._cond = threading.Condition(threading.Lock())
        self._users = 0

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def acquire(self) -> int:
        with self._cond:
            if self._ptr is None:
                raise ValueError(f"the {self._what} is closed")
            self._users += 1
            return self._ptr

    def release(self) -> None:
        with self._cond:
            self._users -= 1
            if self._users == 0:
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            ptr, self._ptr = self._ptr, None
            while self._users:
                self._cond.wait()
        if ptr:
            self._free(ptr)


def encode_text(value: object, what: str) -> bytes:
    """A text argument as UTF-8 bytes: ``str`` is encoded, ``bytes`` passed as is."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


_Self = TypeVar("_Self", bound="NativeObject")


class NativeObject:
    """Base of the binding's long-lived objects (Validator, Client): one :class:`Owned`
    handle, closed by ``close()``, ``with`` or the garbage collector."""

    _owned: Optional["Owned"] = None
    #: What the object is, for error messages ("validator", "client").
    _what = "object"

    def _handle(self) -> "Owned":
        owned = self._owned
        if owned is None:
            from .errors import ErrorCode, error_for

            raise error_for(ErrorCode.INTERNAL, f"the {self._what} was not created")
        return owned

    def _call(self, fn: Callable[..., Optional[int]], *args: Any) -> int:
        """``fn(handle, *args, &out)`` on the object's handle, held for the call; the handle
        written to ``out``."""
        owned = self._handle()
        h = owned.acquire()
        try:
            return call_out(fn, h, *args)
        finally:
            owned.release()

    @property
    def closed(self) -> bool:
        """True once the native object is freed."""
        return self._owned is None or self._owned.closed

    def close(self) -> None:
        """Frees the native object (waits for the calls in flight). Idempotent."""
        if self._owned is not None:
            self._owned.close()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing sensible to do
            pass
