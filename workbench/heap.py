"""Hand a big request's freed memory back to the system once its response has gone.

A 1,500-row page builds some 30 MB of rows, strings and model instances. Two things keep most of
it resident after the response (bench/worker_memory.md):

- cyclic garbage: Django's template Context and the ContextDict it pushes for the view's data
  refer to each other, so a page's context (for that page, its 1,500 rows as model instances)
  is freed only by the collector's next full pass, which may come many requests later;
- the allocator: glibc keeps freed heap pages for the next request, and returns them only when
  the free space happens to be at the top of the heap.

So `trimming` wraps the WSGI application: when a response is closed and let go of, and the
worker is `TRIM_GROWTH_BYTES` larger than after the last trim, it runs a full collection and
`malloc_trim(0)`. Every other request pays one read of /proc/self/statm (a few microseconds); a
trim costs a few ms (the collection walks only what requests made since `gc.freeze()` in
workbench/wsgi.py), after the response is sent. Resident memory decides, the figure the worker
is held to, rather than a guess from the view or the row count at which requests are big.
(Django's request_finished signal comes too early: the response, which holds the page's
context, is still alive while it is closed.)

Not glibc (musl, macOS) or no /proc: the collection still runs, the trim is skipped.
"""

import ctypes
import ctypes.util
import gc
import os

# Well below what one big page leaves (15 to 30 MB). A cached 400-row page reaches it every
# other request (its context's garbage and its working set: a 5 ms trim on a 20 ms page); a
# floor that followed the recent size spared those but let garbage pile up to 50 MB unfreed
# (bench/worker_memory.md).
TRIM_GROWTH_BYTES = 8 * 1024 * 1024

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


malloc_trim = _malloc_trim()

_statm = {}  # {pid: open file descriptor}; a forked worker opens its own


def resident_bytes():
    """This process's resident memory (VmRSS), or None without /proc. The file is kept open
    and read again from its start: 2 microseconds, where opening it each time takes 15."""
    pid = os.getpid()
    try:
        fd = _statm.get(pid)
        if fd is None:
            fd = _statm[pid] = os.open("/proc/self/statm", os.O_RDONLY)
        return int(os.pread(fd, 128, 0).split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return None


class Trimmer:
    """Keeps the resident size after the last trim (the floor) and trims past it."""

    def __init__(self, growth=TRIM_GROWTH_BYTES, measure=resident_bytes):
        self.growth = growth
        self.measure = measure
        self.floor = None
        self.trims = 0

    def __call__(self):
        now = self.measure()
        if now is None:
            return
        if self.floor is None or now < self.floor:
            self.floor = now  # the first request, or the allocator gave pages back itself
            return
        if now - self.floor < self.growth:
            return
        self.trim()

    def trim(self):
        gc.collect()
        if malloc_trim is not None:
            malloc_trim(0)
        self.trims += 1
        # Whatever is still resident is kept for a reason (caches, live objects): the new floor.
        self.floor = self.measure()


after_request = Trimmer()


class Released:
    """A WSGI response that, once closed, lets go of Django's response before `after_request`
    looks at the worker's size, so that what only the response held can be freed."""

    def __init__(self, response):
        self.response = response

    def __iter__(self):
        return iter(self.response)

    def close(self):
        response, self.response = self.response, None
        try:
            if hasattr(response, "close"):
                response.close()
        finally:
            del response
            after_request()


def trimming(application):
    """The WSGI application with a trim after each big request (see the module's docstring)."""

    def trimmed(environ, start_response):
        response = application(environ, start_response)
        # A file the server sends itself (sendfile) must reach it as the server's own wrapper.
        file_wrapper = environ.get("wsgi.file_wrapper")
        if file_wrapper is not None and isinstance(response, file_wrapper):
            return response
        return Released(response)

    return trimmed
