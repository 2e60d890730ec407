"""Hand a big request's freed memory back to the system once its response has gone.

A 1,500-row page builds some 30 MB of rows, strings and model instances. Two things keep most of
it resident after the response (bench/worker_memory.md):

- cyclic garbage: Django's template Context and the ContextDict it pushes for the view's data
  refer to each other, so a page's context (for that page, its 1,500 rows as model instances)
  is freed only by the collector's next full pass, which may come many requests later;
- the allocator: glibc keeps freed heap pages for the next request, and returns them only when
  the free space happens to be at the top of the heap.

So `trimming` wraps the WSGI application: it reads the worker's resident size as a request
starts, and again once the response is closed and let go of; when that one request grew the
worker by `TRIM_REQUEST_GROWTH_BYTES` (the 1,500-row page grows it by about 20 MB at once), or
the worker is `TRIM_BACKSTOP_BYTES` above its floor (its size after the last trim, or the lowest
seen), it runs a full collection and `malloc_trim(0)`. A write grows the worker by tens of KB at
most (new row, stage and thread entries in the bounded caches), so a long run of writes never
trims. (The rule before, 8 MB above the size after the last trim, trimmed in runs of writes as
the caches filled, freeing next to nothing, and slowed accepts under load:
bench/results/notes.md.) The backstop is above the plateau the bounded caches and the pages'
garbage reach between trims (bench/worker_memory.md) and catches slow growth, such as the
cached 400-row page's (a median 3.6 MB a request under wrk, mostly strings its context holds in
a cycle: so few tracked objects that the collector's own full passes seldom come).

Every request pays two reads of /proc/self/statm (a few microseconds); a trim costs 11 to 23 ms
of CPU, nearly all of it the collection, which walks what requests made since `gc.freeze()` in
workbench/wsgi.py (some 24,000 live objects after a run, and the garbage it frees), after the
response is sent. Resident memory decides, the figure the
worker is held to, rather than a guess from the view or the row count at which requests are big.
(Django's request_finished signal comes too early: the response, which holds the page's
context, is still alive while it is closed.)

Not glibc (musl, macOS) or no /proc: the collection still runs, the trim is skipped.
"""

import ctypes
import ctypes.util
import gc
import os

# One request's growth: the 1,500-row page grows a worker by about 20 MB, a write by 0 to 80 KB.
TRIM_REQUEST_GROWTH_BYTES = 8 * 1024 * 1024
# Growth above the floor, from many requests (bench/worker_memory.md).
TRIM_BACKSTOP_BYTES = 40 * 1024 * 1024

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
    """Trims after a request that grew the worker by `request_growth`, or once the worker is
    `backstop` above its floor (its size after the last trim, or the lowest size seen)."""

    def __init__(
        self,
        request_growth=TRIM_REQUEST_GROWTH_BYTES,
        backstop=TRIM_BACKSTOP_BYTES,
        measure=resident_bytes,
    ):
        self.request_growth = request_growth
        self.backstop = backstop
        self.measure = measure
        self.floor = None
        self.trims = 0

    def before(self):
        """The size as a request starts (None without /proc), for `after`."""
        size = self.measure()
        if size is not None and (self.floor is None or size < self.floor):
            self.floor = size  # the first request, or the allocator gave pages back itself
        return size

    def after(self, before):
        now = self.measure()
        if now is None or before is None:
            return
        if now < self.floor:
            self.floor = now
            return
        if now - before >= self.request_growth or now - self.floor >= self.backstop:
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
    compares the worker's size with `before` (its size when the request started), so that what
    only the response held can be freed."""

    def __init__(self, response, before):
        self.response = response
        self.before = before

    def __iter__(self):
        return iter(self.response)

    def close(self):
        response, self.response = self.response, None
        try:
            if hasattr(response, "close"):
                response.close()
        finally:
            del response
            after_request.after(self.before)


def trimming(application):
    """The WSGI application with a trim after each big request (see the module's docstring)."""

    def trimmed(environ, start_response):
        before = after_request.before()
        response = application(environ, start_response)
        # A file the server sends itself (sendfile) must reach it as the server's own wrapper.
        file_wrapper = environ.get("wsgi.file_wrapper")
        if file_wrapper is not None and isinstance(response, file_wrapper):
            return response
        return Released(response, before)

    return trimmed
