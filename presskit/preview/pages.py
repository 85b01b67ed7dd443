"""The preview's HTML pages: the list of releases and kits, and one page for each.

Plain HTML with escaped text and no framework. Each page asks /version.json every second and
reloads itself when what it shows has changed.
"""
from __future__ import annotations

import datetime as dt
import json
from html import escape

from ..errors import Problem
from .state import Item


def text(value: str) -> str:
    """Escaped for an element's content: quotes stay as typed, so messages read (and grep) as
    the terminal shows them."""
    return escape(value, quote=False)


STYLE = """
body { font: 15px/1.45 "Noto Sans", system-ui, sans-serif; margin: 0; color: #1a1a1a;
       background: #f4f4f1; }
header { background: #1d2a35; color: #fff; padding: 12px 24px; display: flex; gap: 16px;
         align-items: baseline; }
header a { color: #fff; text-decoration: none; font-weight: bold; }
header .where { color: #b8c4ce; font-size: 13px; }
main { padding: 16px 24px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid #e3e3de; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #666; }
td.sub { color: #666; font-size: 13px; white-space: nowrap; }
.state { display: inline-block; padding: 1px 8px; border-radius: 9px; font-size: 12px;
         font-weight: bold; text-transform: uppercase; letter-spacing: .05em; }
.state.built { background: #dff0d8; color: #2b5d1e; }
.state.stale, .state.building { background: #fcf0cf; color: #7a5a00; }
.state.error { background: #f8d7d5; color: #8a1c1c; }
.errors { background: #fff3f2; border-left: 4px solid #b3261e; padding: 8px 14px;
          margin: 0 0 16px; }
.errors pre, .warnings pre { margin: 4px 0; white-space: pre-wrap;
                             font: 13px/1.4 "DejaVu Sans Mono", monospace; }
.warnings { background: #fffaf0; border-left: 4px solid #c99400; padding: 8px 14px;
            margin: 0 0 16px; }
.bar { display: flex; gap: 16px; align-items: center; margin-bottom: 12px; }
.bar h1 { font-size: 20px; margin: 0; }
iframe { width: 100%; height: calc(100vh - 160px); min-height: 480px; border: 1px solid #ccc;
         background: #fff; }
.pages { display: flex; flex-wrap: wrap; gap: 24px; margin-bottom: 24px; }
.pages img { width: 560px; max-width: 100%; background: #fff;
             box-shadow: 0 1px 4px rgba(0,0,0,.25), 0 6px 18px rgba(0,0,0,.08); }
details summary { cursor: pointer; color: #1d5c8c; margin-bottom: 8px; }
.empty { color: #666; }
.drop { border: 2px dashed #9aa7b2; background: #fff; padding: 14px 18px; margin: 0 0 16px;
        color: #44505a; }
.drop.on { border-color: #1d5c8c; background: #eef5fb; }
.drop pre { margin: 6px 0 0; white-space: pre-wrap; font: 13px/1.4 "DejaVu Sans Mono",
            monospace; }
"""

# The list reloads on any change; an item's page only when that item changed.
RELOAD = """
<script>
(function () {
  var key = %s, seen = %d;
  function poll() {
    fetch('/version.json', {cache: 'no-store'}).then(function (r) { return r.json(); })
      .then(function (data) {
        var now = key === null ? data.version : data.versions[key];
        if (now !== seen && !window.presskitBusy) { location.reload(); }
      })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();
</script>
"""


# The front page takes a Word, LibreOffice or text document dropped on it (presskit import):
# the file goes to /import as it is, and the new release's page opens.
DROP = """
<div id="drop" class="drop">Drop a release from Word (.docx), LibreOffice (.odt) or a text
file here to import it, or <label>choose one <input type="file" id="pick"
accept=".docx,.odt,.txt,.md"></label>.<pre id="said"></pre></div>
<script>
(function () {
  var zone = document.getElementById('drop'), said = document.getElementById('said');
  function send(file) {
    said.textContent = 'Importing ' + file.name + '\u2026';
    window.presskitBusy = true;   // the list's own reload waits: what import says is read
    fetch('/import', {method: 'POST', body: file,
                      headers: {'X-Presskit-Import': encodeURIComponent(file.name)}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        said.textContent = (data.errors || []).concat(data.notes || []).join('\n');
        if (data.url) {
          said.dataset.leaving = '1';
          if (data.notes && data.notes.length) {
            said.textContent += '\nWrote ' + data.wrote + '. Opening it\u2026';
            setTimeout(function () { location.href = data.url; }, 4000);
          } else { location.href = data.url; }
        }
      })
      .catch(function (e) { said.textContent = String(e); })
      .finally(function () { window.presskitBusy = !!said.dataset.leaving; });
  }
  zone.addEventListener('dragover', function (e) {
    e.preventDefault(); zone.className = 'drop on';
  });
  zone.addEventListener('dragleave', function () { zone.className = 'drop'; });
  zone.addEventListener('drop', function (e) {
    e.preventDefault(); zone.className = 'drop';
    if (e.dataTransfer.files.length) { send(e.dataTransfer.files[0]); }
  });
  document.getElementById('pick').addEventListener('change', function (e) {
    if (e.target.files.length) { send(e.target.files[0]); }
  });
})();
</script>
"""


def page(title: str, content: str, version: int, key: str | None = None) -> str:
    """A whole HTML page that reloads itself when `version` (the item's, or the list's) moves."""
    reload = RELOAD % (json.dumps(key).replace("<", "\\u003c"), version)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{text(title)} · presskit preview</title><style>{STYLE}</style></head>"
            f'<body><header><a href="/">presskit preview</a>'
            f'<span class="where">{text(title)}</span></header>'
            f"<main>{content}</main>{reload}</body></html>\n")


def _problems_box(lines: list[str]) -> str:
    if not lines:
        return ""
    shown = "\n".join(text(line) for line in lines)
    return (f'<div class="errors" role="alert"><strong>Fix {"this" if len(lines) == 1 else "these"}'
            f' and the preview updates by itself:</strong><pre>{shown}</pre></div>')


def _state(item: Item) -> str:
    return f'<span class="state {item.state}">{item.state}</span>'


def index_page(version: int, problems: list[Problem], items: list[Item]) -> str:
    """Every release and kit with its state; the project's errors above them."""
    rows = []
    for item in items:
        pdf = f'<a href="{escape(item.pdf_url)}">PDF</a>' if item.pdf_url else ""
        rows.append(f'<tr><td><a href="{escape(item.url)}">{text(item.title)}</a></td>'
                    f'<td class="sub">{text(item.subtitle)}</td><td>{_state(item)}</td>'
                    f"<td>{pdf}</td></tr>")
    table = ("<table><thead><tr><th>Release or kit</th><th></th><th>State</th><th></th></tr>"
             f"</thead><tbody>{''.join(rows)}</tbody></table>" if rows
             else '<p class="empty">No release yet: add a file to releases/.</p>')
    errors = [str(p) for p in problems]
    item_errors = [line for i in items if i.state == "error" for line in i.messages
                   if line not in errors]
    when = dt.datetime.now().strftime("%H:%M:%S")
    newsroom = ('<p><a href="/site/">The newsroom</a>, as <code>presskit site</code> would '
                'publish it, with the releases still under embargo (marked so)</p>')
    return page("All releases and kits",
                DROP + _problems_box(errors + item_errors) + table + newsroom +
                f'<p class="empty">Updated {when}. This page reloads by itself.</p>', version)


def item_page(item: Item, pages: int = 0) -> str:
    """One release or kit: its state, its errors or warnings, its pages and its PDF."""
    version = item.version
    messages = item.messages if item.state == "error" else []
    warnings = item.messages if item.state == "built" else []
    notes = ""
    if warnings:
        notes = ('<div class="warnings"><strong>Warnings</strong><pre>'
                 + "\n".join(text(w) for w in warnings) + "</pre></div>")
    has_pdf = item.pdf is not None and item.pdf.exists()
    viewer = (f'<iframe src="{escape(item.pdf_url)}?v={version}" title="{escape(item.title)}">'
              f"</iframe>" if has_pdf or item.state in ("stale", "building")
              else '<p class="empty">No PDF yet.</p>')
    if pages and messages:
        notes += '<p class="empty">Below: the last version that built.</p>'
    if pages:
        # The pages as images first (every browser shows them), the PDF viewer one click away.
        images = "".join(f'<img src="{escape(item.url)}/page-{n}.png?v={version}" '
                         f'alt="Page {n} of {pages}">' for n in range(1, pages + 1))
        viewer = (f'<div class="pages">{images}</div>'
                  f"<details><summary>The PDF in the browser's viewer</summary>{viewer}"
                  f"</details>")
    bar = (f'<div class="bar"><h1>{text(item.title)}</h1>{_state(item)}'
           f'<span class="sub">{text(item.subtitle)}</span>'
           f'<a href="{escape(item.pdf_url)}">Open the PDF</a><a href="/">All</a></div>')
    return page(item.title, bar + _problems_box(messages) + notes + viewer, version, item.key)
