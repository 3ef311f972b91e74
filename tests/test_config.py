"""Settings: every TLW_* variable validated up front, one line each; the settings file; the help.

These run `tlw` in this process (`cli.main`) against an empty TLW_HOME: a bad setting must stop the
command before anything runs, so nothing may appear under TLW_HOME.
"""

from __future__ import annotations

import re

import pytest

from pipelines import cli
from pipelines.config import REPO_ROOT, ConfigError, Settings, declared
from tests.test_faults import run_cli


@pytest.fixture
def home(tmp_path, monkeypatch):
    for f in declared():
        monkeypatch.delenv(f.metadata["env"], raising=False)
    monkeypatch.setenv("TLW_CONFIG", "none")
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize("name, value, line", [
    ("TLW_HTTP_TIMEOUT", "abc", "TLW_HTTP_TIMEOUT=abc: expected a number > 0"),
    ("TLW_HTTP_RETRIES", "-1", "TLW_HTTP_RETRIES=-1: expected a whole number >= 0"),
    ("TLW_MAX_BODY_MB", "lots", "TLW_MAX_BODY_MB=lots: expected a number > 0"),
    ("TLW_FR_SINCE", "2018-13-01", "TLW_FR_SINCE=2018-13-01: expected a date YYYY-MM-DD"),
    ("TLW_FR_PER_PAGE", "5000", "TLW_FR_PER_PAGE=5000: expected a whole number 1..1000"),
    ("TLW_DEBT_PAGE_SIZE", "0", "TLW_DEBT_PAGE_SIZE=0: expected a whole number 1..10000"),
    ("TLW_MSPD_PAGE_SIZE", "10001", "TLW_MSPD_PAGE_SIZE=10001: expected a whole number 1..10000"),
    ("TLW_MIRROR_MISSING", "ignore", "TLW_MIRROR_MISSING=ignore: expected 'fail' or 'skip'"),
    ("TLW_FULL_HISTORY", "maybe", "TLW_FULL_HISTORY=maybe: expected 1 or 0"),
    ("TLW_MIRROR", "/no/such/dir", "TLW_MIRROR=/no/such/dir: no such directory (expected an existing directory or an http(s):// URL)"),
    ("TLW_MIRROR", "ftp://mirror.example", "TLW_MIRROR=ftp://mirror.example: expected an existing directory or an http(s):// URL"),
    ("TLW_TARIFF_REGISTER", "/no/such.csv", "TLW_TARIFF_REGISTER=/no/such.csv: expected an existing file"),
])
def test_a_bad_setting_is_one_line_before_anything_runs(home, monkeypatch, name, value, line):
    monkeypatch.setenv(name, value)
    code, output, _ = run_cli("refresh")
    assert code == 2
    assert output == f"tlw refresh: configuration: {line}\n"
    assert not home.exists(), "something ran before the settings were validated"


def test_unknown_source_name_and_fred_series(home, monkeypatch):
    monkeypatch.setenv("TLW_SKIP_SOURCES", "tic_table5,fedreg")
    monkeypatch.setenv("TLW_FRED_SERIES", "DEXJPUS,FOOBAR")
    code, output, _ = run_cli("status")
    assert code == 2
    lines = output.splitlines()
    assert len(lines) == 2, output
    assert lines[0].startswith("tlw status: configuration: TLW_SKIP_SOURCES=tic_table5,fedreg: unknown source fedreg "
                               "(expected names from: countries, country_labels, tic_mfh_history,")
    assert lines[1].startswith("tlw status: configuration: TLW_FRED_SERIES=DEXJPUS,FOOBAR: unknown FRED series FOOBAR "
                               "(expected ids recorded in pipelines/sources/fred.py SERIES: DEXJPUS, ")


def test_every_bad_setting_is_named_at_once(home, monkeypatch):
    monkeypatch.setenv("TLW_HTTP_TIMEOUT", "abc")
    monkeypatch.setenv("TLW_HTTP_BACKOFF", "soon")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env()
    assert caught.value.lines == [
        "TLW_HTTP_TIMEOUT=abc: expected a number > 0",
        "TLW_HTTP_BACKOFF=soon: expected a number >= 0",
    ]


def test_an_unknown_tlw_variable_is_named(home, monkeypatch, capsys):
    monkeypatch.setenv("TLW_SKIP_SOURCE", "fred")  # the setting is TLW_SKIP_SOURCES
    assert cli.main(["sql", "SELECT 1"]) == 2  # no warehouse yet
    assert capsys.readouterr().err.splitlines()[0] == (
        "tlw sql: warning: TLW_SKIP_SOURCE is not a tlw setting and is ignored (tlw --help lists them)")


def test_an_empty_value_means_the_default(home, monkeypatch):
    monkeypatch.setenv("TLW_HTTP_TIMEOUT", "")
    monkeypatch.setenv("TLW_MIRROR", "")
    settings = Settings.from_env()
    assert settings.http_timeout_s == 30.0 and settings.mirror is None


def test_settings_file_in_home_and_environment_wins(home, tmp_path, monkeypatch):
    monkeypatch.delenv("TLW_CONFIG")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    home.mkdir()
    (home / "tlw.toml").write_text(f'TLW_MIRROR = "{mirror}"\nTLW_HTTP_TIMEOUT = 7\nTLW_SKIP_SOURCES = "fred"\n')
    settings = Settings.from_env()
    assert (settings.mirror, settings.http_timeout_s, settings.skip_sources) == (str(mirror), 7.0, ("fred",))
    monkeypatch.setenv("TLW_HTTP_TIMEOUT", "9")
    assert Settings.from_env().http_timeout_s == 9.0
    # A bad value in the file names the file.
    (home / "tlw.toml").write_text('TLW_HTTP_TIMEOUT = "abc"\nTLW_SKIPSOURCES = "fred"\n')
    monkeypatch.delenv("TLW_HTTP_TIMEOUT")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env()
    assert caught.value.lines[0].startswith(f"{home / 'tlw.toml'}: unknown setting TLW_SKIPSOURCES (known: TLW_CONTACT, ")
    assert caught.value.lines[1] == f"TLW_HTTP_TIMEOUT=abc (from {home / 'tlw.toml'}): expected a number > 0"
    (home / "tlw.toml").write_text(f'TLW_HOME = "{tmp_path}"\n')
    with pytest.raises(ConfigError, match="TLW_HOME can only be set in the environment or the repository's tlw.toml"):
        Settings.from_env()


def test_explicit_settings_file(home, tmp_path, monkeypatch):
    chosen = tmp_path / "ops.toml"
    chosen.write_text("TLW_HTTP_RETRIES = 0\n")
    monkeypatch.setenv("TLW_CONFIG", str(chosen))
    assert Settings.from_env().http_retries == 0
    monkeypatch.setenv("TLW_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match=r"TLW_CONFIG=.*missing.toml: expected an existing settings file or 'none'"):
        Settings.from_env()


def test_readme_configuration_table_lists_every_setting():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(TLW_[A-Z_]+)` \|", section, re.MULTILINE))
    assert {f.metadata["env"] for f in declared()} <= documented


def test_help_lists_settings_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for f in declared():
        assert re.search(rf"^  {f.metadata['env']}\s+{re.escape(f.metadata['doc'])}", text, re.MULTILINE), f.metadata["env"]
    assert "exit codes:\n  refresh: 0 published (or nothing changed), 1 a source or a blocking check failed" in text
    with pytest.raises(SystemExit):
        cli.main(["sql", "--help"])
    text = capsys.readouterr().out
    assert "  TLW_HOME " in text and "TLW_HTTP_TIMEOUT" not in text
    assert f"exit codes: {cli.EXIT_CODES['sql']}" in text
    with pytest.raises(SystemExit):
        cli.main(["status", "--help"])
    text = capsys.readouterr().out
    assert "  TLW_SKIP_SOURCES " in text
    assert "exit codes: 0 every source fresh (or skipped) and no blocking check failing, 1 something stale" in text


def test_readme_commands_table_repeats_the_exit_codes():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for text in cli.EXIT_CODES.values():
        assert f"| {text} |" in readme, text


def test_make_passes_args_and_port():
    import subprocess

    def dry(*argv: str) -> str:
        # -n prints the commands without running them; SETTINGS_SEED= keeps tlw.toml out of it.
        return subprocess.run(["make", "-n", "-C", str(REPO_ROOT), *argv, "SETTINGS_SEED="],
                              capture_output=True, text=True, check=True).stdout

    assert ".venv/bin/tlw refresh --all\n" in dry("refresh", "ARGS=--all")
    assert ".venv/bin/tlw refresh \n" in dry("refresh")
    assert ".venv/bin/tlw dev --port 3111 \n" in dry("dev", "PORT=3111")
