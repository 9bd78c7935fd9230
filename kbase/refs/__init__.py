"""Reference hygiene: lint, duplicates, formatting and import of BibTeX libraries."""
