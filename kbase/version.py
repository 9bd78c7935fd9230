"""The version of kbase (one place; the package and the SARIF output read it)."""

__version__ = "0.1.0"
