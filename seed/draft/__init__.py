"""Draft a meeting's seed file from its conclusions (`.docx`, `.pdf` or `.txt`).

    readers.read_lines(path)                     a file → `lines.Line`s (one reader per format)
    build.draft_conclusions(lines, source=…)     pure: lines → the draft as seed data, flagged
    dump.dump_draft(draft)                       the draft as YAML, each flag also a comment
    check.check_seed_file(path)                  validate a seed file; list the flags left

Inside `build`: `layout` takes out page debris and finds the header, sections and areas;
`items` reads lead-ins, actors, items and their numbers; `words` cleans texts and reads dates.
"""
