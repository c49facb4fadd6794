"""Run the labs live in the reader's browser: vendor Pyodide, simpy and the simulator into the site, no CDN.

Each lab's static twin carries its live spec (``widgets.lab.Lab.live_spec``) and a "Run live in your browser" bar.
On pages that have a lab, this extension adds a small script (``live/live.js``) that wakes the bar up; nothing else
is fetched until the reader clicks. At the end of the build it writes into ``_static/backstage/live/``:

* ``pyodide/``: the Pyodide core (CPython compiled to WebAssembly and its standard library) from the npm package
  ``pyodide`` at the version pinned below, fetched with ``npm pack`` into ``_build/.live-cache/`` the first time and
  checked against the registry's published sha512;
* ``wheels/``: simpy's wheel, re-packed from the installed distribution the build itself ran (the same version);
* ``backstage.zip``: the project's pure-Python parts (``sim/`` and ``widgets/``), their sources and their bytecode
  compiled at build time by the vendored Pyodide itself (run by Node), so the browser does not compile them;
* ``worker.js`` (the Web Worker that boots Pyodide) and ``files.json`` (sizes, for the progress bar);
* ``THIRD-PARTY.txt``: what was vendored, at which version, under which licence.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

from sphinx.application import Sphinx

PYODIDE_VERSION = "0.27.7"
#: The npm registry's dist.integrity for pyodide@0.27.7 (`npm view pyodide@0.27.7 dist.integrity`).
PYODIDE_INTEGRITY = "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA=="
#: The core's files the browser loads (no source maps, type declarations or the REPL page).
PYODIDE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
                 "package.json")
PYTHON_PACKAGES = ("sim", "widgets")  # the project's parts the browser runs (standard library and simpy only)

LIVE_DIR = "backstage/live"  # relative to the site's _static/
SCRIPT = f"{LIVE_DIR}/live.js"
CSS = f"{LIVE_DIR}/live.css"
HERE = Path(__file__).parent / "live"
_LIVE_PAGES: dict[int, set[str]] = {}  # per Sphinx application: the pages that have a lab


def _page_has_lab(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    body = context.get("body", "")
    if "backstage-live-spec" in body or "backstage-exercise" in body:
        app.add_js_file(SCRIPT, priority=995, defer="defer")
        app.add_css_file(CSS)
        _LIVE_PAGES.setdefault(id(app), set()).add(pagename)


def _pyodide_tarball(root: Path) -> Path:
    """The pinned npm package, from the cache or fetched with ``npm pack``; RuntimeError if it cannot be had or
    does not match the pinned integrity."""
    cache = root / "_build" / ".live-cache"
    tarball = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        cache.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("live labs: npm is needed once to fetch the Pyodide core (`npm pack "
                               f"pyodide@{PYODIDE_VERSION}`); install Node 20")
        done = subprocess.run([npm, "pack", f"pyodide@{PYODIDE_VERSION}", "--silent", "--pack-destination",
                               str(cache)], capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not tarball.exists():
            raise RuntimeError(f"live labs: `npm pack pyodide@{PYODIDE_VERSION}` failed: {done.stderr.strip()}")
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != PYODIDE_INTEGRITY:
        tarball.unlink()
        raise RuntimeError(f"live labs: {tarball.name} does not match the pinned integrity ({digest}); removed, "
                           "build again to fetch it anew")
    return tarball


def _write_pyodide(tarball: Path, out: Path) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as tar:
        for name in PYODIDE_FILES:
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise RuntimeError(f"live labs: {tarball.name} has no {name}")
            (out / name).write_bytes(member.read())
    package = json.loads((out / "package.json").read_text(encoding="utf-8"))
    return {"version": package["version"], "license": package.get("license", "?")}


def _simpy_wheel(out: Path) -> tuple[str, dict[str, str]]:
    """simpy as a wheel, re-packed from the installed distribution (the version the book's figures ran)."""
    dist = importlib.metadata.distribution("simpy")
    name = f"simpy-{dist.version}-py3-none-any.whl"
    info = f"simpy-{dist.version}.dist-info"
    keep = [f for f in dist.files or [] if not str(f).startswith(info) or f.name in ("METADATA", "WHEEL")
            or "licenses" in str(f) or f.name in ("LICENSE", "LICENSE.rst", "LICENSE.txt", "top_level.txt")]
    keep = [f for f in keep if "__pycache__" not in str(f) and f.name != "RECORD"]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out / name, "w", zipfile.ZIP_DEFLATED) as whl:
        for f in sorted(keep, key=str):
            data = Path(dist.locate_file(f)).read_bytes()
            whl.writestr(str(f), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            writer.writerow([str(f), f"sha256={digest}", len(data)])
        writer.writerow([f"{info}/RECORD", "", ""])
        whl.writestr(f"{info}/RECORD", record.getvalue())
    licence = dist.metadata.get("License-Expression") or dist.metadata.get("License") or "?"
    return name, {"version": dist.version, "license": licence}


def _project_zip(root: Path, out: Path, *, student: bool = False) -> None:
    """``sim/`` and ``widgets/`` as the browser imports them: Python sources and py.typed, nothing else. In the
    student edition the chapters' exercises lose their solutions, explanations and likely wrong answers here too
    (the browser needs only their checkers)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for package in PYTHON_PACKAGES:
            for path in sorted((root / package).rglob("*")):
                if not path.is_file() or path.suffix not in (".py", ".typed") or "__pycache__" in path.parts:
                    continue
                name = path.relative_to(root).as_posix()
                if student and path.suffix == ".py" and "Exercise(" in path.read_text(encoding="utf-8"):
                    zf.writestr(name, without_solutions(path.read_text(encoding="utf-8")))
                else:
                    zf.write(path, name)


#: What an Exercise(...) keeps out of the student edition, and what stands in its place (a valid expression).
_SOLUTION_FIELDS = {"solution": "...", "explain": "", "wrong": ()}


def without_solutions(source: str) -> str:
    """A module's source with every ``Exercise(...)``'s solution, explanation and wrong answers blanked."""
    import ast

    tree = ast.parse(source)
    for node in ast.walk(tree):
        func = getattr(node, "func", None)
        if isinstance(node, ast.Call) and getattr(func, "id", getattr(func, "attr", None)) == "Exercise":
            for keyword in node.keywords:
                if keyword.arg in _SOLUTION_FIELDS:
                    keyword.value = ast.Constant(_SOLUTION_FIELDS[keyword.arg]) \
                        if keyword.arg != "wrong" else ast.Tuple(elts=[], ctx=ast.Load())
    return ast.unparse(tree) + "\n"


# Run by Node at build time with the vendored Pyodide itself: compiles the project's modules to bytecode for
# Pyodide's own Python (3.12), so that the reader's browser imports them without compiling (about half a second).
COMPILE_JS = r"""
const [pyodideDir, source, target] = process.argv.slice(2);
const {loadPyodide} = require(pyodideDir + "/pyodide.js");
const fs = require("fs");
(async () => {
  const py = await loadPyodide({indexURL: pyodideDir + "/"});
  py.unpackArchive(new Uint8Array(fs.readFileSync(source)), "zip", {extractDir: "/tmp/backstage"});
  py.runPython(`
import compileall, io, os, py_compile, zipfile
ok = compileall.compile_dir("/tmp/backstage", quiet=1,
                            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
assert ok, "a module did not compile"
with zipfile.ZipFile("/tmp/backstage.zip", "w", zipfile.ZIP_DEFLATED) as zf:
    for root, dirs, files in sorted(os.walk("/tmp/backstage")):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            zf.write(path, os.path.relpath(path, "/tmp/backstage"))
`);
  fs.writeFileSync(target, py.FS.readFile("/tmp/backstage.zip"));
})().catch((error) => { console.error(String(error)); process.exit(1); });
"""


def _compile_for_pyodide(pyodide_dir: Path, zip_path: Path) -> None:
    """Add Pyodide-compiled bytecode (unchecked-hash .pyc) beside the sources in ``zip_path``."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("live labs: node is needed to compile the simulator for the browser; install Node 20")
    script = zip_path.with_name("compile.js")
    script.write_text(COMPILE_JS, encoding="utf-8")
    compiled = zip_path.with_name("compiled.zip")
    try:
        done = subprocess.run([node, str(script), str(pyodide_dir.resolve()), str(zip_path), str(compiled)],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not compiled.exists():
            raise RuntimeError(f"live labs: compiling the simulator with Pyodide failed: {done.stderr.strip()[-2000:]}")
        compiled.replace(zip_path)
    finally:
        script.unlink(missing_ok=True)
        compiled.unlink(missing_ok=True)


THIRD_PARTY = """Backstage runs its simulator live in your browser with these parts, served from this site:

Pyodide {pyodide[version]} (https://pyodide.org, the npm package "pyodide"): licence {pyodide[license]}.
  It contains CPython (Python Software Foundation License) and its standard library.
simpy {simpy[version]} (https://gitlab.com/team-simpy/simpy): licence {simpy[license]}.
Backstage's own sim/ and widgets/ packages: licence MIT (this book's licence).

The charts use Vega, Vega-Lite and vega-embed (BSD-3-Clause), served from _static/backstage/vega-bundle.js.
"""


def _vendor(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if not _LIVE_PAGES.get(id(app)):
        return  # no lab in this book: nothing to run live
    root = Path(app.confdir)
    live = Path(app.outdir) / "_static" / LIVE_DIR
    if live.exists():
        shutil.rmtree(live)
    pyodide = _write_pyodide(_pyodide_tarball(root), live / "pyodide")
    wheel, simpy = _simpy_wheel(live / "wheels")
    _project_zip(root, live / "backstage.zip", student=os.environ.get("BACKSTAGE_STUDENT", "") == "1")
    _compile_for_pyodide(live / "pyodide", live / "backstage.zip")
    for name in ("live.js", "worker.js", "live.css"):
        shutil.copy(HERE / name, live / name)
    (live / "THIRD-PARTY.txt").write_text(THIRD_PARTY.format(pyodide=pyodide, simpy=simpy), encoding="utf-8")
    downloads = [f"pyodide/{n}" for n in ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                                          "pyodide-lock.json")] + [f"wheels/{wheel}", "backstage.zip"]
    files = {p: (live / p).stat().st_size for p in downloads}
    (live / "files.json").write_text(json.dumps({
        "pyodide": pyodide["version"], "simpy_wheel": f"wheels/{wheel}", "project": "backstage.zip",
        "files": files, "total_bytes": sum(files.values()),
    }, indent=1), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("html-page-context", _page_has_lab)
    app.connect("build-finished", _vendor)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
