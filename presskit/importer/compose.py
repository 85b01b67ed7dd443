"""Blocks written as the Markdown of a release's body, notes or About text: paragraphs, ##
subheads, lists numbered as typed, quotes and tables as GitHub writes them."""
from __future__ import annotations

from .blocks import Block


def to_markdown(blocks: list[Block]) -> str:
    """Blocks as a Markdown text: paragraphs, ## subheads, lists, quotes, tables."""
    parts: list[str] = []
    previous: Block | None = None
    numbers: dict[int, int] = {}
    for block in blocks:
        if not block.text and block.kind != "table":
            continue
        if block.kind == "item":
            same_list = previous is not None and previous.kind == "item" and \
                (previous.level != block.level or previous.ordered == block.ordered)
            if not same_list:
                numbers = {}
            numbers = {k: v for k, v in numbers.items() if k <= block.level}
            numbers[block.level] = numbers.get(block.level, 0) + 1
            marker = f"{numbers[block.level]}." if block.ordered else "-"
            line = "   " * block.level + f"{marker} {block.markdown()}"
            if same_list:
                parts[-1] += "\n" + line
            else:
                parts.append(line)
        elif block.kind in ("heading", "title", "subtitle"):
            level = "###" if block.level >= 3 else "##"
            parts.append(f"{level} {block.markdown(plain=True).replace(chr(10), ' ')}")
        elif block.kind == "quote":
            parts.append("\n".join("> " + line for line in block.markdown().split("\n")))
        elif block.kind == "table":
            parts.append(table(block.rows))
        else:
            parts.append(block.markdown())
        previous = block
    return "\n\n".join(parts) + ("\n" if parts else "")


def table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]

    def line(cells):
        return "| " + " | ".join(c.replace("|", "\\|").replace("\\\n", " ") for c in cells) \
            + " |"
    return "\n".join([line(rows[0]), "|" + "---|" * width] + [line(r) for r in rows[1:]])
