"""The desk speaks Simplified Chinese: every string is translated and the compiled
catalogue matches the source catalogue."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Every project app (a folder with apps.py) plus what makemessages and settings need.
SOURCE_DIRS = sorted({p.parent.name for p in ROOT.glob("*/apps.py")} | {"config", "templates", "locale", "static"})


def test_every_string_is_translated():
    catalogue = polib.pofile(str(PO))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_compiled_catalogue_matches_source():
    source = {(e.msgid, e.msgstr) for e in polib.pofile(str(PO)) if not e.obsolete and not e.msgid_plural}
    compiled = {(e.msgid, e.msgstr) for e in polib.mofile(str(PO.with_suffix(".mo"))) if not e.msgid_plural}
    assert source <= compiled, "run `make messages` to recompile locale/*.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogue_has_every_string_of_the_code(tmp_path):
    """makemessages on a copy of the tree must find no msgid the committed catalogue lacks."""
    for name in [*SOURCE_DIRS, "manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    environment = {**os.environ, "DEBUG": "true", "VAR_DIR": str(tmp_path / "var")}
    environment.pop("DATABASE_URL", None)
    environment.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        env=environment,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert fresh - committed == set(), "run `make messages` and translate the new strings"
