"""The allocator tuning of long-running processes (frameloom.memory): freed memory goes back to the system."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import threading, time
    from frameloom.memory import keep_memory_flat

    def rss_mib():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024

    trim = TRIM
    kept = []

    def churn():
        blocks = [bytearray(3000) for _ in range(40_000)]  # 120 MB in malloc'd blocks
        kept.extend(blocks[::50])  # a few survivors pin the heap
        del blocks

    threads = [threading.Thread(target=churn) for _ in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    before = rss_mib()
    if trim:
        keep_memory_flat(0, 0.05)
    time.sleep(0.5)
    print(before, rss_mib())
""")


def freed_after(trim: bool) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD.replace("TRIM", str(trim))], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1])


def test_the_trim_thread_gives_freed_heap_pages_back() -> None:
    before, after = freed_after(trim=True)
    assert before > 150
    assert after < before - 80, (before, after)


def test_without_it_the_freed_pages_stay() -> None:
    before, after = freed_after(trim=False)
    assert after > before - 20, (before, after)


def test_no_arena_cap_and_no_thread_when_both_are_zero() -> None:
    from frameloom.memory import keep_memory_flat

    assert keep_memory_flat(0, 0) is None


def test_one_trim_thread_a_process_however_often_it_is_asked() -> None:
    from frameloom.memory import keep_memory_flat

    first = keep_memory_flat(0, 60)
    assert first is not None
    assert first.is_alive()
    assert keep_memory_flat(0, 60) is first


def test_small_pages_turns_numpys_huge_pages_off_for_the_block_and_back() -> None:
    from numpy._core.multiarray import _set_madvise_hugepage  # type: ignore[attr-defined]

    from frameloom.memory import small_pages

    def huge() -> bool:
        state = bool(_set_madvise_hugepage(True))
        _set_madvise_hugepage(state)
        return state

    outside = huge()
    with small_pages():
        assert not huge()
        with small_pages():
            assert not huge()
        assert not huge(), "a nested block leaves the outer one's setting"
    assert huge() == outside


REUSE_CHILD = textwrap.dedent("""
    import resource
    import numpy as np
    from frameloom.memory import reuse_freed_memory, small_pages

    if REUSE:
        assert reuse_freed_memory()
    with small_pages():  # as painting runs: 4 KiB pages, one fault each
        np.ones((64, 1024, 1024), np.uint8)  # 64 MiB made, touched and freed
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        np.ones((64, 1024, 1024), np.uint8)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
""")


def faults_of_a_second_array(reuse: bool) -> int:
    code = REUSE_CHILD.replace("REUSE", str(reuse))
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def test_a_one_off_render_reuses_the_large_blocks_it_frees() -> None:
    # without it a 64 MiB array is mapped anew and each of its 16,384 pages faulted in again
    assert faults_of_a_second_array(reuse=False) > 8000
    assert faults_of_a_second_array(reuse=True) < 1000
