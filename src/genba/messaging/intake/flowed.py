"""format=flowed (RFC 3676) text as its lines were written (issue 12): `unflow(text, delsp=...)`.

Apple Mail and Thunderbird send text/plain as format=flowed: a long line is broken into lines
ending in a space. `mime` unflows such a body before it is read, so that a value is not cut in two.
"""

from __future__ import annotations


def unflow(text: str, *, delsp: bool = False) -> str:
    """format=flowed text as its lines were written: a line ending in a space continues on the
    next line of the same quote depth; the stuffed space is removed; with DelSp=yes the trailing
    space is the one added to break the line, and goes."""
    out: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0

    def emit(depth: int, body: str) -> None:
        out.append((">" * depth + " " if depth else "") + body)

    def close() -> None:
        if paragraph:
            emit(paragraph_depth, "".join(paragraph))
            paragraph.clear()

    for line in text.split("\n"):
        stripped = line.lstrip(">")
        depth = len(line) - len(stripped)
        if stripped.startswith(" "):
            stripped = stripped[1:]  # space-stuffing
        if paragraph and depth != paragraph_depth:
            close()
        flowed = stripped.endswith(" ") and stripped != "-- "
        if flowed:
            paragraph_depth = depth
            paragraph.append(stripped[:-1] if delsp else stripped)
        elif paragraph:
            paragraph.append(stripped)
            close()
        else:
            emit(depth, stripped)
    close()
    return "\n".join(out)
