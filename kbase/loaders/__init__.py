"""Readers for the two files of a library: ``claims.yaml`` and ``references.bib``.

Each reader returns records plus the problems it found; nothing here raises
for a problem a user can fix in the file.
"""
