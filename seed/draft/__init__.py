"""Draft a meeting's seed file from its conclusions (`.docx`, `.pdf` or `.txt`).

`read_lines(path)` transcribes a file; `draft_conclusions(lines, source=…)` is pure and returns
the draft as seed data with flags; `dump_draft(draft)` writes it as YAML with each flag also as
a comment; `check_seed_file(path)` validates a seed file and lists what is still flagged.
"""
