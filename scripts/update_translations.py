"""Regenerate the Korean translation: ``python scripts/update_translations.py [--check]``.

One command does the whole pass:

1. ``pyside6-lupdate`` collects every ``tr()`` / ``QCoreApplication.translate`` /
   ``QT_TRANSLATE_NOOP`` string of the GUI (every .py under ``cnn_studio/gui`` and any other
   module of ``cnn_studio`` that calls them) into ``resources/i18n/cnn_studio_ko.ts``. Strings
   that left the code are dropped (``-no-obsolete``); no line numbers are stored
   (``-locations none``), so moving code does not change the file. The texts core/ defines and
   the GUI shows through ``cnn_studio.gui.i18n.core_text`` (model titles and descriptions, freeze
   presets; listed by ``core_strings()``) are added in the ``core`` context.
2. The translations are filled in from ``resources/i18n/ko.json``, the source of truth::

       {"strings": {"English source": "한국어", ...},
        "contexts": {"ClassName": {"English source": "이 클래스에서만 다른 번역"}}}

   A string is looked up in ``contexts[<its context>]`` first, then in ``strings`` (the same
   English text is translated the same everywhere unless a context says otherwise, so moving a
   widget to another class or file keeps its translation). Plural strings (``%n``) take one
   Korean form. A translation must keep the source's placeholders (``{n}``, ``{0:.1f}``, ``%n``,
   ``%1``) exactly. A translation made in Qt Linguist is kept when ko.json has none.
3. ``pyside6-lrelease`` compiles the ``.ts`` into ``resources/i18n/cnn_studio_ko.qm``.

The script ends by listing the strings that still need a Korean translation as JSON lines ready
to paste into the ``strings`` object of ko.json, and exits 1 when there are any (or when a
translation breaks a placeholder). So the final pass after new GUI text is: run the script, add
the listed strings to ko.json, run it again, commit the three files.

``--check`` builds everything in a temporary folder and only reports: missing translations,
broken placeholders, and a committed ``.ts`` or ``.qm`` that differs from what the script
would write (exit 1). ``tests/gui/test_i18n.py`` runs the same check.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cnn_studio"
I18N = ROOT / "resources" / "i18n"
LANGUAGE = "ko"
TS = I18N / f"cnn_studio_{LANGUAGE}.ts"
QM = I18N / f"cnn_studio_{LANGUAGE}.qm"
GLOSSARY = I18N / f"{LANGUAGE}.json"
_USES_TR = re.compile(r"\btr\(|\btranslate\(|QT_TR_NOOP|QT_TRANSLATE_NOOP")
# {name}, {0}, {n:.1f}, {{ }} escapes excluded; Qt's %n and %1..%99
_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z0-9_]*(?:[:!][^{}]*)?\}(?!\})|%n|%L?\d+")


@dataclass
class Report:
    """What a pass found: strings without Korean, broken placeholders, out-of-date files."""

    missing: list[tuple[str, str]] = field(default_factory=list)
    placeholder_errors: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # ko.json entries no source string uses (informational)
    no_context: list[str] = field(default_factory=list)  # tr() lupdate could not place in a class

    @property
    def ok(self) -> bool:
        """True when nothing needs attention."""
        return not (self.missing or self.placeholder_errors or self.stale or self.no_context)


def tool(name: str) -> str:
    """Return the path of a Qt tool (``pyside6-lupdate``), next to this Python first."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} was not found; install PySide6 in this environment (pip install PySide6).")
    return found


def source_files() -> list[Path]:
    """Return the modules lupdate reads: all of ``cnn_studio/gui`` and any other that translates."""
    gui = PACKAGE / "gui"
    files = set(gui.rglob("*.py"))
    files |= {p for p in PACKAGE.rglob("*.py") if _USES_TR.search(p.read_text(encoding="utf-8"))}
    return sorted(p for p in files if "__pycache__" not in p.parts)


def run_lupdate(ts: Path) -> None:
    """Collect the source strings into ``ts`` (merging the translations it already has)."""
    files = [str(p.relative_to(ROOT)) for p in source_files()]
    cmd = [tool("pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete", "-target-language", "ko_KR",
           *files, "-ts", str(ts)]
    subprocess.run(cmd, cwd=ROOT, check=True)


def run_lrelease(ts: Path, qm: Path) -> None:
    """Compile ``ts`` into ``qm``."""
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT, check=True)


def load_glossary(path: Path = GLOSSARY) -> dict:
    """Return ko.json as ``{"strings": {...}, "contexts": {...}}``."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {"strings": data.get("strings", {}), "contexts": data.get("contexts", {})}


def placeholders(text: str) -> list[str]:
    """Return the sorted placeholders of a string (``{n}``, ``%n``, ``%1``)."""
    return sorted(_PLACEHOLDER.findall(text))


def fill(ts: Path, glossary: dict) -> Report:
    """Write the glossary's translations into ``ts``; return what is missing or broken."""
    tree = ET.parse(ts)
    report = Report()
    used: set[tuple[str, str]] = set()
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            if not name:  # e.g. ``tr = self.tr; tr("...")``: at run time the class name is the context
                report.no_context.append(source)
            translation = message.find("translation")
            in_context = source in glossary["contexts"].get(name, {})
            used.add((name if in_context else "", source))
            text = glossary["contexts"].get(name, {}).get(source, glossary["strings"].get(source))
            plural = message.get("numerus") == "yes"
            if text is not None:
                _set_translation(translation, text, plural)
            current = _translation_text(translation, plural)
            if not current or translation.get("type") in ("unfinished", "vanished", "obsolete"):
                report.missing.append((name, source))
            elif placeholders(current) != placeholders(source):
                report.placeholder_errors.append(f"{name}: {source!r} -> {current!r}")
    _write(tree, ts)
    report.unused = [s for s in glossary["strings"] if ("", s) not in used]
    report.unused += [f"{c}: {s}" for c, entries in glossary["contexts"].items() for s in entries if (c, s) not in used]
    return report


def _set_translation(element: ET.Element, text: str, plural: bool) -> None:
    for child in list(element):
        element.remove(child)
    element.attrib.pop("type", None)
    if plural:
        ET.SubElement(element, "numerusform").text = text
        element.text = None
    else:
        element.text = text


def _translation_text(element: ET.Element, plural: bool) -> str:
    if plural:
        forms = [f.text or "" for f in element.iter("numerusform")]
        return forms[0] if forms and all(forms) else ""
    return element.text or ""


def add_core_strings(ts: Path) -> None:
    """Add (or replace) the ``core`` context: the core/ texts the GUI translates with ``core_text``."""
    sys.path.insert(0, str(ROOT))
    from cnn_studio.gui.i18n import CORE_CONTEXT, core_strings

    tree = ET.parse(ts)
    root = tree.getroot()
    old = {}
    for context in root.findall("context"):
        if context.findtext("name") == CORE_CONTEXT:
            old = {m.findtext("source"): m.find("translation") for m in context.iter("message")}
            root.remove(context)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CORE_CONTEXT
    for source in core_strings():
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = source
        kept = old.get(source)
        message.append(kept if kept is not None else ET.Element("translation", type="unfinished"))
    _write(tree, ts)


def _write(tree: ET.ElementTree, ts: Path) -> None:
    """Write a .ts the way lupdate lays it out (declaration, doctype, four-space indent)."""
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def build(ts: Path, qm: Path) -> Report:
    """Run lupdate, add the core texts, fill from ko.json, lrelease; return the report."""
    run_lupdate(ts)
    add_core_strings(ts)
    report = fill(ts, load_glossary())
    run_lrelease(ts, qm)
    return report


def check() -> Report:
    """Build into a temporary folder from the committed .ts; report differences with the committed files."""
    with tempfile.TemporaryDirectory() as tmp:
        ts, qm = Path(tmp) / TS.name, Path(tmp) / QM.name
        if TS.exists():
            shutil.copyfile(TS, ts)
        report = build(ts, qm)
        for built, committed in ((ts, TS), (qm, QM)):
            if not committed.exists() or committed.read_bytes() != built.read_bytes():
                report.stale.append(str(committed.relative_to(ROOT)))
    return report


def print_report(report: Report) -> None:
    """Print what needs attention, the missing strings as lines to paste into ko.json."""
    if report.missing:
        print(f"{len(report.missing)} string(s) need a Korean translation; add to \"strings\" in {GLOSSARY.name}:")
        for _context, source in report.missing:
            print(f"    {json.dumps(source, ensure_ascii=False)}: \"\",")
    for source in report.no_context:
        print(f"no context for {source!r}: call self.tr(...) directly (lupdate loses the class of an alias such as "
              "tr = self.tr in a method with a nested def), or QCoreApplication.translate(\"Context\", ...)")
    for error in report.placeholder_errors:
        print(f"placeholders differ: {error}")
    if report.unused:
        print(f"{len(report.unused)} entries of {GLOSSARY.name} are no longer used (safe to delete):")
        for source in report.unused:
            print(f"    {json.dumps(source, ensure_ascii=False)}")
    for path in report.stale:
        print(f"{path} is out of date: run python scripts/update_translations.py")


def main(argv: list[str] | None = None) -> int:
    """Update (or with ``--check`` only verify) the .ts and .qm; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        report = check()
    else:
        I18N.mkdir(parents=True, exist_ok=True)
        report = build(TS, QM)
        print(f"wrote {TS.relative_to(ROOT)} and {QM.relative_to(ROOT)}")
    print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
