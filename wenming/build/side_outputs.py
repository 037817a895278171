"""Side outputs: the part of Pelican's output that nothing else reads, written by a forked process.

Once Pelican has made every generator's context, each generator's ``generate_output`` only writes its own
files from the shared context. At 10,000 reports, a build that added one report spent ~2 s in them, on one
core, and about half of that in generators whose files no other generator reads and no search bundle holds:
quota pages and exports, town pages, the JSON API, rankings, activities (their classes say ``SIDE_OUTPUT =
True``; feeds, also read by nothing else, stay in the parent, which balances the two processes' work).

So ``SideOutputs.start`` forks when the contexts are made. The child runs the side generators with the same
writer into the same staged site, then sends back what the rest of the build learns from their writing, and
exits:

* the render cache's records: each file's key and the pictures it showed, the feeds' members, news.json's
  pieces (those kept from the last build by their place in it, wenming.build.fragments), the counts of files
  rendered and kept (files written by large-download processes are written by the child itself);
* the pictures the pages used (the build copies their variants into the site);
* the pages written or settled, as the ``content_written`` and ``content_settled`` signals say: the parent
  sends them again, for the sitemap and the search stage;
* what Pelican logged (an error fails the build).

The parent skips the side generators and runs the others. Then it helps: the side generators are a queue that
both processes take from (one byte each in a pipe, so that each is taken once), the child starting with the
first, so that whichever process is free writes the next one. Which one that is changes with the edit: a
report added as the newest leaves the parent less to do than the child, a back-dated one leaves it more (its
month's archive pages). Before the first generator that reads what every other one wrote (the sitemap:
``READS_ALL_OUTPUT = True``), and at the latest when Pelican is done, the parent takes what is left in the
queue, then waits for the child and takes its records in. A failure in the child is raised in the parent, as the
same exception when it can be sent: the build fails as it would in one process, before anything reaches the live
site.

Where ``os.fork`` is missing, the side generators run in the parent as before.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
import sys
from collections.abc import Callable

import jinja2
from pelican import signals

from wenming.build.render_cache import RenderCache, content_settled

SIDE_OUTPUT = "SIDE_OUTPUT"  # generator class attribute: its files are read by nothing else in the build
READS_ALL_OUTPUT = "READS_ALL_OUTPUT"  # generator class attribute: it reads what every other generator wrote
_COUNTERS = ("rendered", "linked", "files_linked", "settled")


class SideOutputError(RuntimeError):
    """The child stopped without a result (killed, or an error that could not be sent)."""


class _Records:
    """What the child learns while it writes (run in the child only)."""

    def __init__(self, cache: RenderCache | None) -> None:
        self.cache = cache
        self.before = _cache_state(cache)
        self.written: list[tuple[str, bool, bool]] = []  # (path, kept, noindex)
        self.settled: list[list[str]] = []
        self.logged: list[tuple[str, int, str]] = []

    def page_written(self, path, context=None, kept=False, **_signal) -> None:
        self.written.append((path, bool(kept), bool(context and context.get("noindex"))))

    def pages_settled(self, _writer, paths, **_signal) -> None:
        self.settled.append(list(paths))

    def result(self) -> dict:
        cache, before = self.cache, self.before
        result = {"written": self.written, "settled": self.settled, "logged": self.logged}
        if cache is not None:
            result.update(
                pages={name: record for name, record in cache.pages.items() if name not in before["pages"]},
                feeds={name: members for name, members in cache.feeds.items() if name not in before["feeds"]},
                used={name: info for name, info in cache.images.used.items() if name not in before["used"]},
                fragments=cache.fragments.used_since_fork() if cache.fragments is not None else ([], {}),
                counts={name: getattr(cache, name) - before[name] for name in _COUNTERS})
        return result


class _LogRecorder(logging.Handler):
    def __init__(self, records: _Records) -> None:
        super().__init__(level=logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.logged.append((record.name, record.levelno, record.getMessage()))


def _cache_state(cache: RenderCache | None) -> dict:
    if cache is None:
        return {}
    return {"pages": set(cache.pages), "feeds": set(cache.feeds), "used": set(cache.images.used),
            **{name: getattr(cache, name) for name in _COUNTERS}}


class SideOutputs:
    """The side generators' output, being written by a forked child (``start``), and taken in by ``join``."""

    def __init__(self, pid: int, pipe: int, context: dict, writer, cache: RenderCache | None) -> None:
        self._pid, self._pipe = pid, pipe
        self._context, self._writer, self._cache = context, writer, cache
        self._joined = False
        self._help: _Helper | None = None
        self._patched: list = []  # the generators whose generate_output start replaced

    @classmethod
    def start(cls, generators: list, writer, context: dict) -> SideOutputs | None:
        """Fork a child writing the side generators' output; in the parent, those generators are skipped and
        the generators that read all output wait for the child first. None, having changed nothing, when there
        is no side generator or no ``fork``."""
        side = [g for g in generators if getattr(g, SIDE_OUTPUT, False)]
        if not side or not hasattr(os, "fork"):
            return None
        cache: RenderCache | None = getattr(writer, "cache", None)
        queue = _Queue(len(side))
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            _run_child(side, queue, writer, cache, write)  # never returns
        os.close(write)
        outputs = cls(pid, read, context, writer, cache)
        outputs._help = _Helper(queue, [g.generate_output for g in side], writer)
        for generator in side:
            generator.generate_output = _skipped
        waiting = [g for g in generators if getattr(g, READS_ALL_OUTPUT, False)]
        for generator in waiting:
            generator.generate_output = _after(outputs.join, generator.generate_output)
        outputs._patched = [*side, *waiting]
        return outputs

    def release(self) -> None:
        """Once the run is over (joined or abandoned): give the generators their own generate_output back and let
        go of the side generators. A generator that waits for the child keeps a function that keeps its own
        bound method, a cycle that would hold every side generator, their settings and so the whole content
        model until a full garbage collection (~85,000 objects a build at 10,000 reports, in the CMS)."""
        for generator in self._patched:
            generator.__dict__.pop("generate_output", None)
        self._patched, self._help = [], None

    def join(self) -> None:
        """Write the side generators' output that the child has not taken yet, then wait for the child and take
        its records in (once); raise its error if it failed."""
        if self._joined:
            return
        if self._help is not None:
            self._help.run()
        self._joined = True
        with os.fdopen(self._pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        try:
            result = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError) as exc:
            raise SideOutputError(f"exit status {status}, no result") from exc
        if "error" in result:
            raise result["error"]
        self._take(result)

    def abandon(self) -> None:
        """The parent failed: stop the child and reap it (its files are in the staged site, deleted with it)."""
        if self._joined:
            return
        self._joined = True
        if self._help is not None:
            self._help.queue.close()
        os.close(self._pipe)
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self._pid, 0)

    def _take(self, result: dict) -> None:
        cache = self._cache
        if cache is not None:
            cache.pages.update(result["pages"])
            cache.feeds.update(result["feeds"])
            cache.images.used.update(result["used"])
            if cache.fragments is not None:
                cache.fragments.take(*result["fragments"])
            for name, count in result["counts"].items():
                setattr(cache, name, getattr(cache, name) + count)
        for name, level, message in result["logged"]:
            logging.getLogger(name).handle(logging.makeLogRecord(
                {"name": name, "levelno": level, "levelname": logging.getLevelName(level), "msg": message}))
        for path, kept, noindex in result["written"]:
            context = {**self._context, "noindex": True} if noindex else self._context
            signals.content_written.send(path, context=context, kept=kept)
        for paths in result["settled"]:
            content_settled.send(self._writer, paths=paths, context=self._context)


class _Queue:
    """The side generators' numbers but the first (the child's), to be taken once each by either process: one
    byte each in a pipe whose writing end is closed, so that a read takes one or finds none left."""

    def __init__(self, count: int) -> None:
        self._read, write = os.pipe()
        try:
            os.write(write, bytes(range(1, count)))  # < 256 generators, far below a pipe's buffer
        finally:
            os.close(write)

    def __iter__(self):
        while taken := os.read(self._read, 1):
            yield taken[0]

    def close(self) -> None:
        if self._read >= 0:
            os.close(self._read)
            self._read = -1


class _Helper:
    """The parent's part of the queue: the side generators' own ``generate_output``, run here for each number
    the parent takes."""

    def __init__(self, queue: _Queue, outputs: list[Callable], writer) -> None:
        self.queue, self._outputs, self._writer = queue, outputs, writer

    def run(self) -> None:
        try:
            for number in self.queue:
                self._outputs[number](self._writer)
        finally:
            self.queue.close()


def _skipped(_writer) -> None:
    """A side generator's output in the parent: the child writes it."""


def _after(first: Callable[[], None], then: Callable) -> Callable:
    def generate_output(writer) -> None:
        first()
        then(writer)
    return generate_output


def _run_child(side: list, queue: _Queue, writer, cache: RenderCache | None, pipe: int) -> None:
    """In the child: write the first side generator's output and those it takes from ``queue``, send the records
    (or the error) through ``pipe``, exit."""
    status = 1
    try:
        gc.disable()  # the child frees nothing: it exits when done
        records = _Records(cache)
        logging.getLogger("pelican").addHandler(_LogRecorder(records))
        signals.content_written.connect(records.page_written)
        content_settled.connect(records.pages_settled)
        try:
            side[0].generate_output(writer)
            for number in queue:
                side[number].generate_output(writer)
            queue.close()
            if cache is not None and cache.deferred:
                cache.write_deferred(writer.output_path)
            result = records.result()
        except BaseException as exc:  # sent to the parent, which raises it
            result = {"error": _sendable(exc)}
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(pipe, "wb") as out:
            out.write(data)
        status = 0
    finally:
        os._exit(status)


def _sendable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling; else, for a template error (a syntax error's arguments do not), a plain
    jinja2.TemplateError with its message and place; else a SideOutputError that names it."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - anything pickling may raise: the error is sent another way
        if isinstance(exc, jinja2.TemplateError):
            plain = jinja2.TemplateError(str(exc))
            plain.filename, plain.lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
            return plain
        return SideOutputError(f"{type(exc).__name__}: {exc}")
    return exc

