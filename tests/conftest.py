"""Shared test helpers: an invented organization to build projects from, the CLI, PDF reading.

The invented organization is the Northwind Refugee Health Alliance at example.org: tests never
invent quotes or contacts for a real organization.
"""
from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from presskit.cli import main

# The real SMTP server's fixtures (smtp_server, certificate), for every test module.
pytest_plugins = ["smtp_server"]

# What presskit keeps in the user's cache folder (files.cache_folder): the suite and the
# processes it starts use a folder of their own, removed at the end.
_CACHE = tempfile.mkdtemp(prefix="presskit-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)

# A suite started in the background (`make test &`, some CI runners) inherits Ctrl-C ignored,
# and so would the commands it starts: the tests that press Ctrl-C need it as at a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = Path(__file__).resolve().parent.parent
# The presskit a test starts (`python -m presskit`, a fork server's workers) is this
# checkout's, whatever checkout the virtual environment was installed from.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(REPO)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
SHARED = REPO.parent / "shared"
SAMPLE_SLUG = "2012-12-28-magnitsky-acquittal"

ORGANIZATION = {
    "name": "Northwind Refugee Health Alliance",
    "short_name": "NRHA",
    "location": "Portland, ME",
    "website": "https://nrha.example.org",
    "lang": "en",
    "boilerplate": "The Northwind Refugee Health Alliance is an invented organization used in "
                   "presskit's tests. It runs mobile clinics for people on the move.",
    "facts": [{"label": "Founded", "value": "2009"}, {"label": "Clinics", "value": "14"}],
    "history": [{"year": "2009", "text": "First mobile clinic opens."},
                {"year": "2015", "text": "Clinics reach three border crossings."}],
    "people": [{"name": "Ada Example", "title": "Director", "bio": "Ada leads the Alliance."}],
    "contacts": [{"name": "Sam Press", "title": "Press officer", "email": "press@example.org",
                  "phone": "+1 555 0100"}],
}


def release_data(title="Mobile clinics open at the northern crossing", date="2024-03-05",
                 **extra) -> dict:
    data = {
        "title": title,
        "date": date,
        "dateline": "Portland, ME",
        "body": "The Alliance opened two clinics today.\n\n"
                "“Every person deserves care,” said Ada Example, the Alliance’s director.\n",
    }
    data.update(extra)
    return data


class ProjectMaker:
    """Writes a project folder from Python data, so each test states only what it varies."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, content) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, (dict, list)):
            # libyaml's dumper: the pure-Python one took seconds of the suite.
            content = yaml.dump(content, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                                allow_unicode=True, sort_keys=False)
        elif isinstance(content, str):
            content = textwrap.dedent(content)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def organization(self, **changes) -> Path:
        data = dict(ORGANIZATION)
        data.update(changes)
        return self.write("organization.yaml", {k: v for k, v in data.items() if v is not None})

    def release(self, slug="2024-03-05-clinics-open", **fields) -> Path:
        if "date" not in fields:
            fields["date"] = slug[:10]
        return self.write(f"releases/{slug}.yaml", release_data(**fields))


@pytest.fixture(scope="session", autouse=True)
def one_process_a_build():
    """A build run in a test renders in the test's own process. pytest-xdist already runs one
    test process a core; a pool of render workers for each build on top of that only adds
    forks and cold starts (3 to 7 CPU-seconds in 80, measured on five of the test files).
    The tests of the pool ask for one with --jobs, and a `presskit` started as a command
    keeps its default."""
    from presskit import jobs

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs, "default_jobs", lambda: 1)
        yield


@pytest.fixture
def project(tmp_path) -> ProjectMaker:
    """A fresh invented project with an organization and one release."""
    maker = ProjectMaker(tmp_path / "project")
    maker.organization()
    maker.release()
    return maker


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the repository's sample project (PHR), safe to build into."""
    return copy_sample(tmp_path / "sample")


def copy_sample(target: Path) -> Path:
    target.mkdir(exist_ok=True)
    for name in ("organization.yaml", "presskit.yaml"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, target / name)
    for folder in ("releases", "media", "assets"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return target


@pytest.fixture(scope="session")
def built_once(tmp_path_factory):
    """made = built_once(name, make): a folder that make(folder) fills once for the whole run,
    pytest-xdist's worker processes included, under a lock (a worker asking for it while
    another makes it waits). For tests that only read what it holds: a test that changes a
    project makes its own."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own base in the run's folder; alone (-n 0 or without
    # xdist) the base is the run's folder.
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "built-once"
    shared.mkdir(exist_ok=True)

    def get(name: str, make) -> Path:
        folder = shared / name
        with open(shared / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (shared / f"{name}.made").exists():
                shutil.rmtree(folder, ignore_errors=True)   # what a failed make left
                folder.mkdir()
                make(folder)
                (shared / f"{name}.made").touch()
        return folder

    return get


@pytest.fixture(scope="session")
def sample_built(built_once) -> Path:
    """The sample project with its release and its 2012 kit built, once: only to be read."""
    def make(folder: Path) -> None:
        root = copy_sample(folder / "sample")
        for args in (["build"], ["kit", "--year", "2012"]):
            result = run(*args, project_dir=root)
            assert result.exit_code == 0, result.stderr

    return built_once("sample", make) / "sample"


def run(*args, project_dir: Path | None = None, input=None):
    """Run the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()
    argv = (["--project", str(project_dir)] if project_dir else []) + [str(a) for a in args]
    return runner.invoke(main, argv, input=input, catch_exceptions=False)


def stop(process: subprocess.Popen) -> None:
    """Stop a preview as a user would (SIGTERM), and for sure: no test leaves one running."""
    process.terminate()
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def interrupt(process: subprocess.Popen, how: int = signal.SIGINT, within: float = 10) -> int:
    """Send `how` (Ctrl-C's by default) and return the exit code; a command still running
    `within` seconds later is killed, so that a failing test leaves nothing running."""
    process.send_signal(how)
    try:
        return process.wait(within)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def buffered_env() -> dict[str, str]:
    """This environment, less PYTHONUNBUFFERED (set where the tests may run): a child's
    stdout on a pipe is then buffered, as it is for users."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def pdftotext(path: Path, *extra: str) -> str:
    return subprocess.run(["pdftotext", *extra, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, in reading order."""
    return pdftotext(path).split("\f")[:-1]


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return {k.strip(): v.strip() for k, v in
            (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def pdffonts(path: Path) -> list[dict[str, str]]:
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the flags are the 5th-3rd from last
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts
