"""Keep a long-running process's memory flat: fewer malloc arenas and a periodic ``malloc_trim``;
let a one-off render reuse what it frees (``reuse_freed_memory``).

A soak of 50 concurrent chat clients grew the server by about 37 KiB a turn with no
growth in Python objects (tracemalloc saw 0.3 MiB over 150 turns): glibc keeps freed
blocks in one arena per thread, and the request and job threads fragment them. With two
arenas and a trim every few seconds the same soak stays flat (docs/reliability.md).
Nothing happens where the C library is not glibc.

``small_pages()``: NumPy asks the kernel for huge pages for every array of 4 MiB or more
(``madvise``); where the kernel compacts memory to find them (transparent huge pages with
``defrag=madvise``, its default) each new array stalls. Painting a video's scene makes
hundreds of short-lived 20-60 MB arrays: with small pages its system time fell from 1.44 to
0.61 s and the first frame came 0.5 s sooner (docs/VIDEO.md). Arrays that live on and are
read every frame (a shot's layers) keep huge pages: fewer TLB misses.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("frameloom.memory")
# mallopt parameters, glibc's malloc.h
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8


def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_trimmer: threading.Thread | None = None
_lock = threading.Lock()


def keep_memory_flat(arenas: int, trim_every_s: float) -> threading.Thread | None:
    """Cap glibc's arenas at ``arenas`` (0: leave it) and start a daemon thread that gives freed memory
    back every ``trim_every_s`` seconds (0: none). Once per process: a later call (the CLI run again
    in one process, as tests do) returns the thread already running. Returns the thread, or None when
    nothing was started."""
    global _trimmer
    libc = _glibc()
    if libc is None:
        log.info("not glibc: malloc tuning skipped")
        return None
    if arenas > 0:
        libc.mallopt(M_ARENA_MAX, arenas)
    if trim_every_s <= 0:
        return None
    with _lock:
        if _trimmer is None:
            def trim() -> None:
                while True:
                    time.sleep(trim_every_s)
                    libc.malloc_trim(0)

            _trimmer = threading.Thread(target=trim, name="frameloom-malloc-trim", daemon=True)
            _trimmer.start()
        return _trimmer


def reuse_freed_memory(largest_mb: int = 256) -> bool:
    """For a process that renders once and exits: blocks up to ``largest_mb`` come from the heap, and
    freed ones stay there for the next, instead of each large array being mapped anew and its pages
    faulted in and zeroed again. Painting a video's scene makes hundreds of 20-60 MB arrays: its page
    faults halve and its system time falls from 0.58 to 0.28 s (docs/VIDEO.md). Not for a server: what
    it frees stays with it. Returns False where the C library is not glibc."""
    libc = _glibc()
    if libc is None:
        return False
    size = largest_mb * 1024 * 1024
    libc.mallopt(M_MMAP_THRESHOLD, size)
    libc.mallopt(M_TRIM_THRESHOLD, 4 * size)
    return True


_pages_lock = threading.Lock()
_pages_users = 0  # blocks inside small_pages() now, on any thread
_pages_before = True


@contextmanager
def small_pages() -> Iterator[None]:
    """Within the block NumPy does not ask for huge pages. The switch is the process's, so blocks
    on several threads (painting, a zoom level) count: the first in turns it off, the last out
    puts it back. A no-op if NumPy lacks the switch."""
    global _pages_users, _pages_before
    try:
        from numpy._core.multiarray import _set_madvise_hugepage  # type: ignore[attr-defined]
    except ImportError:
        yield
        return
    with _pages_lock:
        if _pages_users == 0:
            _pages_before = bool(_set_madvise_hugepage(False))
        _pages_users += 1
    try:
        yield
    finally:
        with _pages_lock:
            _pages_users -= 1
            if _pages_users == 0:
                _set_madvise_hugepage(_pages_before)
