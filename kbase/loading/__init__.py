"""Loading a library: every decision about processes, pickles, the parse cache and the garbage collector.

A newcomer finds them all here, each kept because a measurement showed it saves at least 10 % of a
cold command (docs/performance.md, "Each cold-load trick, measured"):

* :mod:`kbase.loading.processes`: the means. A forked worker pool, the garbage collector paused
  while records are built and frozen in a short-lived process, records pickled as their fields.
* :mod:`kbase.loading.reading`: the files. ``claims.yaml`` and each ``.bib`` read through the parse
  cache, no file read again while its stamp is unchanged; what was derived from all the files.
  The loaders (:mod:`kbase.loaders`) only turn bytes into records.
* :mod:`kbase.loading.pipeline`: the library. :func:`~kbase.loading.pipeline.load`, the graph, and
  the grades, half of them by a forked worker for a large library (grading itself,
  :mod:`kbase.grading`, is pure).
"""
