"""Loading a library: every decision about processes, pickles, the parse cache and the garbage collector.

A newcomer finds them all here, each kept because a measurement showed it saves at least 10 % of a
cold command (docs/performance.md, "Each cold-load trick, measured"):

* :mod:`kbase.loading.processes`: the means. A forked worker, the garbage collector paused while
  records are built and frozen in a short-lived process, records pickled as their fields.
* :mod:`kbase.loading.reading`: the files. ``claims.yaml`` and each ``.bib`` read through the parse
  cache, no file read again while its stamp is unchanged, a large ``claims.yaml`` parsed by a forked
  worker while the ``.bib`` is parsed; what was derived from all the files. The loaders
  (:mod:`kbase.loaders`) only turn bytes into records.
* :mod:`kbase.loading.pipeline`: the library. :func:`~kbase.loading.pipeline.load`, the graph, and
  the grades (grading itself, :mod:`kbase.grading`, is pure).
"""
