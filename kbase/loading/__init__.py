"""Loading a library: every decision about processes, pickles, the parse cache and the garbage collector.

A newcomer finds them all here, each kept because a measurement showed it pays (docs/performance.md,
"What the cold load does, and what each trick saves"):

* :mod:`kbase.loading.processes`: the means. Forked worker pools, a call whose result comes back
  pickled, a child that writes a cache entry, the garbage collector paused while records are built
  and frozen in a short-lived process, and records pickled as their field values.
* :mod:`kbase.loading.reading`: the files. ``claims.yaml`` and each ``.bib`` read through the parse
  cache; a large ``.bib`` parsed in two halves by two workers, a large ``claims.yaml`` by a third.
  The loaders (:mod:`kbase.loaders`) only turn bytes into records.
* :mod:`kbase.loading.pipeline`: the library. :func:`~kbase.loading.pipeline.load`, what is derived
  from all the files (problems, grades, findings) kept in the cache, the grading worker (grading
  itself, :mod:`kbase.grading`, is pure), and ``kbase diff``'s second revision parsed in the background.
"""
