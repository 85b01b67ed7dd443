"""Commands that render nothing start fast: they do not import WeasyPrint (half a second),
nor, for --help and a build with nothing to do, the YAML, Markdown, Jinja2 or CLDR libraries."""
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, buffered_env


def imported(*args, cwd=None) -> set[str]:
    """The modules `python -m presskit ARGS` imports, read from -X importtime."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "presskit", *args],
                          capture_output=True, text=True, cwd=cwd or REPO, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:")}


def top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_help_imports_no_engine_and_no_data_libraries():
    modules = top(imported("--help"))
    assert "click" in modules                    # the measurement itself works
    for heavy in ("weasyprint", "yaml", "jinja2", "markdown_it", "babel", "PIL"):
        assert heavy not in modules, heavy


def test_check_imports_no_engine(project):
    modules = top(imported("--project", str(project.root), "check"))
    assert "yaml" in modules
    for heavy in ("weasyprint", "PIL"):
        assert heavy not in modules, heavy


def test_a_build_with_nothing_to_do_reads_no_yaml_and_imports_no_engine(project):
    first = subprocess.run([sys.executable, "-m", "presskit", "--project", str(project.root),
                            "build"], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    modules = top(imported("--project", str(project.root), "build"))
    for heavy in ("weasyprint", "yaml", "jinja2", "markdown_it", "babel", "PIL"):
        assert heavy not in modules, heavy


def test_the_engine_imports_without_its_library_search_and_leaves_ctypes_as_it_was():
    code = ("import ctypes.util, sys; search = ctypes.util.find_library\n"
            "from presskit.engine import import_engine; import_engine()\n"
            "assert 'weasyprint.text.ffi' in sys.modules\n"
            "assert ctypes.util.find_library is search\n"
            "from presskit.pdf import render_pdf; from pathlib import Path\n"
            "assert render_pdf('<p>x</p>', Path('.'), (Path('.'),)).startswith(b'%PDF-')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_fonttools_subsetter_and_instancer_are_put_off_until_used():
    # Imported by WeasyPrint at start but unused with HarfBuzz: 0.05 s of every engine start.
    script = (
        "import sys\n"
        "from presskit.jobs import warm_up\n"
        "warm_up()\n"
        "assert 'fontTools.varLib' not in sys.modules, 'instancer imported'\n"
        "assert 'fontTools.subset.cff' not in sys.modules, 'subsetter imported'\n"
        "import weasyprint.pdf.fonts as fonts\n"
        "assert fonts.subset.Options.__module__ == 'fontTools.subset'\n"
        "try:\n"
        "    fonts.instantiateVariableFont(None, {})\n"
        "except Exception:\n"
        "    pass\n"
        "assert type(sys.modules['fontTools.varLib.instancer']).__name__ == 'module'\n"
        "assert hasattr(sys.modules['fontTools.varLib.instancer'], 'instantiateVariableFont')\n"
        "assert 'fontTools.varLib' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr


def test_a_build_worker_does_not_import_the_command_line():
    # multiprocessing starts each worker by running the command's script again as
    # __mp_main__: that must not import click and presskit.cli into every worker.
    script = Path(sys.executable).parent / "presskit"
    if not script.is_file():
        pytest.skip("presskit is not installed as a command beside this Python")
    code = (f"import runpy, sys; runpy.run_path({str(script)!r}, run_name='__mp_main__'); "
            f"print('click' in sys.modules, 'presskit.cli' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_the_command_says_and_writes_all_on_a_pipe(tmp_path):
    """`presskit build` run as a command: its last line, on a pipe, and every PDF are there;
    a build that fails exits 1."""
    script = Path(sys.executable).parent / "presskit"
    if not script.is_file():
        pytest.skip("presskit is not installed as a command beside this Python")
    folder = tmp_path / "office"
    assert subprocess.run([str(script), "init", str(folder)], capture_output=True,
                          timeout=60).returncode == 0
    done = subprocess.run([str(script), "--project", str(folder), "build"],
                          capture_output=True, text=True, timeout=120, env=buffered_env())
    assert done.returncode == 0, done.stderr
    pdfs = sorted((folder / "dist" / "releases").glob("*.pdf"))
    assert pdfs and all(p.read_bytes().endswith(b"%%EOF\n") for p in pdfs)
    assert done.stderr.endswith(f"{len(pdfs)} built, 0 up to date\n"), done.stderr
    release = sorted((folder / "releases").glob("*.yaml"))[0]
    release.write_text("title: no date, no body\n", encoding="utf-8")
    failed = subprocess.run([str(script), "--project", str(folder), "build"],
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and f"{release.name}:1:1:" in failed.stderr, failed.stderr
