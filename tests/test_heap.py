"""workbench/heap.py: after a request that grew the worker much, or once it is far above its
floor, collect and trim."""

import gc
import io
import weakref

import pytest

from workbench import heap

MB = 1024 * 1024


class Sizes:
    """A stand-in for resident_bytes: returns the sizes it is given, in turn."""

    def __init__(self, *sizes):
        self.sizes = list(sizes)

    def __call__(self):
        return self.sizes.pop(0)


@pytest.fixture
def trims(monkeypatch):
    calls = []
    monkeypatch.setattr(heap, "malloc_trim", lambda pad: calls.append(pad) or 1)
    return calls


def request(trimmer):
    """One request as `trimming` sees it: the size before, then the size after release."""
    trimmer.after(trimmer.before())


def test_many_small_growths_do_not_trim(trims):
    # A run of writes: each leaves the worker 64 KB larger (its cache entries), 20 MB in all.
    # The old rule (8 MB above the size after the last trim) trimmed twice in this run.
    sizes = [100 * MB + step * 64 * 1024 for step in range(321)]
    measure = Sizes(*[size for step in range(320) for size in sizes[step : step + 2]])
    trimmer = heap.Trimmer(request_growth=8 * MB, backstop=32 * MB, measure=measure)
    for _ in range(320):
        request(trimmer)
    assert trims == []
    assert trimmer.floor == 100 * MB


def test_one_big_request_trims_and_starts_again_from_what_is_left(trims):
    # Before and after each request: a small one, a big one (30 MB), then small ones again.
    trimmer = heap.Trimmer(
        request_growth=8 * MB,
        backstop=32 * MB,
        measure=Sizes(100 * MB, 101 * MB, 101 * MB, 131 * MB, 104 * MB, 104 * MB, 110 * MB),
    )
    request(trimmer)
    assert trims == []
    request(trimmer)  # 30 MB in one request: trimmed, 104 left
    assert trims == [0]
    assert trimmer.floor == 104 * MB
    request(trimmer)  # 6 MB in one request, 6 over the floor
    assert trims == [0]


def test_the_backstop_trims_slow_growth(trims):
    # Requests of 3 MB each: none is big, but the fifth leaves the worker 15 MB above its floor.
    trimmer = heap.Trimmer(
        request_growth=8 * MB,
        backstop=15 * MB,
        measure=Sizes(
            *[
                size * MB
                for size in (100, 103, 103, 106, 106, 109, 109, 112, 112, 115, 102, 102, 105)
            ]
        ),
    )
    for _ in range(4):
        request(trimmer)
    assert trims == []
    request(trimmer)  # 115: 15 over 100
    assert trims == [0]
    assert trimmer.floor == 102 * MB
    request(trimmer)  # 105: 3 over the new floor
    assert trims == [0]


def test_the_floor_follows_the_allocator_down(trims):
    trimmer = heap.Trimmer(
        request_growth=8 * MB,
        backstop=9 * MB,
        measure=Sizes(*[size * MB for size in (100, 90, 95, 99, 91)]),
    )
    request(trimmer)
    assert trimmer.floor == 90 * MB
    request(trimmer)  # 4 MB in the request, 9 over 90
    assert trims == [0]


def test_without_proc_it_does_nothing(trims):
    trimmer = heap.Trimmer(measure=lambda: None)
    request(trimmer)
    request(trimmer)
    assert trims == [] and trimmer.floor is None


def test_a_trim_frees_cyclic_garbage(trims):
    class Node:
        pass

    gc.collect()
    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    gc.disable()  # no collection of its own in between
    try:
        assert gone() is not None
        trimmer = heap.Trimmer(request_growth=MB, measure=Sizes(0, 2 * MB, MB))
        before = trimmer.before()
        assert gone() is not None
        trimmer.after(before)  # 2 MB over it
    finally:
        gc.enable()
    assert gone() is None
    assert trims == [0]


def test_resident_bytes_reads_this_process():
    size = heap.resident_bytes()
    if size is None:
        pytest.skip("no /proc")
    assert 10 * MB < size < 10_000 * MB


def test_malloc_trim_gives_freed_heap_back():
    """Freed chunks under a live one stay resident until malloc_trim hands their pages back."""
    if heap.malloc_trim is None or heap.resident_bytes() is None:
        pytest.skip("not glibc")
    heap.malloc_trim(0)
    # 60 MB of 16 KB bytes objects (glibc's heap, not pymalloc's arenas or mmap), each followed
    # by a small one that stays: the freed space is in holes, never at the top of the heap.
    big, kept = [], []
    for _ in range(60 * 64):
        big.append(b"x" * (16 * 1024 - 64))
        kept.append(b"k" * 600)
    del big
    before = heap.resident_bytes()
    heap.malloc_trim(0)
    after = heap.resident_bytes()
    assert before - after > 30 * MB
    del kept


class Payload:
    """Held by a response, and in a cycle of its own: freed only by a collection, and only once
    the response is gone (as a page's template context is)."""

    def __init__(self):
        self.me = self


class Response:
    def __init__(self, chunks, closed=None):
        self.chunks = chunks
        self.payload = Payload()
        self.closed = closed if closed is not None else []

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.closed.append(True)


def test_it_trims_after_the_response_is_let_go_of(trims, monkeypatch):
    seen, closed = {}, []

    def application(environ, start_response):
        response = Response([b"a", b"b"], closed)
        seen["response"] = weakref.ref(response)
        seen["payload"] = weakref.ref(response.payload)
        return response

    trimmer = heap.Trimmer(request_growth=MB, measure=Sizes(0, 2 * MB, MB))
    monkeypatch.setattr(heap, "after_request", trimmer)
    gc.disable()
    try:
        answer = heap.trimming(application)({}, None)
        assert b"".join(answer) == b"ab"
        assert closed == []
        answer.close()
        assert closed == [True]
        assert seen["response"]() is None
        assert seen["payload"]() is None  # collected by the trim, not later
    finally:
        gc.enable()
    assert trims == [0]


def test_small_requests_are_not_trimmed(trims, monkeypatch):
    trimmer = heap.Trimmer(
        request_growth=8 * MB, backstop=32 * MB, measure=Sizes(*[100 * MB, 101 * MB] * 3)
    )
    monkeypatch.setattr(heap, "after_request", trimmer)
    application = heap.trimming(lambda environ, start_response: Response([b"ok"]))
    for _ in range(3):
        application({}, None).close()
    assert trims == []


def test_files_the_server_sends_itself_go_through_as_they_are():
    class FileWrapper:
        pass

    sent = FileWrapper()
    application = heap.trimming(lambda environ, start_response: sent)
    assert application({"wsgi.file_wrapper": FileWrapper}, None) is sent


def test_the_wsgi_application_answers_through_it(db, monkeypatch):
    # db: Django's handler closes old connections around each request.
    from django.core.handlers.wsgi import WSGIHandler

    class Recorder:
        def before(self):
            return 100 * MB

        def after(self, before):
            calls.append(before)

    calls = []
    monkeypatch.setattr(heap, "after_request", Recorder())
    application = heap.trimming(WSGIHandler())
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    status = []
    answer = application(environ, lambda code, headers, exc_info=None: status.append(code))
    body = b"".join(answer)
    assert calls == []
    answer.close()
    assert status == ["200 OK"] and body == b"ok"
    assert calls == [100 * MB]
