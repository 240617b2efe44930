"""The output folder: checked before anything is written, one writer at a time, replaced in one step.

Unit tests of :class:`gep.io.safe_write.OutputFolder` on small files (the
command-line tests with real runs are in ``test_concurrency.py``).
"""

from __future__ import annotations

import os
import signal

import pytest

from gep.errors import OutputBusy, OutputError
from gep.io import safe_write
from gep.io.safe_write import OutputFolder, check_output_folder, recover


def write_set(folder, text):
    (folder / "summary.json").write_text(text, encoding="utf-8")
    (folder / "run.toml").write_text(text, encoding="utf-8")


def codes(problems):
    return [p.code for p in problems]


# --------------------------------------------------------------- the swap
@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_commit_replaces_the_whole_previous_set(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(safe_write, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    out.mkdir()
    write_set(out, "old")
    (out / "accounts.nc").write_text("old only", encoding="utf-8")  # not in the new set: gone after the swap
    with OutputFolder(out) as dest:
        assert dest.existed and dest.staging.parent == out.parent  # beside out: the same file system
        write_set(dest.staging, "new")
        assert (out / "summary.json").read_text(encoding="utf-8") == "old"  # untouched until the swap
        dest.commit()
    assert sorted(p.name for p in out.iterdir()) == ["run.toml", "summary.json"]
    assert (out / "summary.json").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging, old set or lock file left


def test_an_error_before_commit_keeps_the_previous_set(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write_set(out, "old")
    with pytest.raises(RuntimeError):
        with OutputFolder(out) as dest:
            write_set(dest.staging, "half")
            raise RuntimeError("the computation failed")
    assert (out / "summary.json").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_new_folder_and_its_parents_are_created(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    with OutputFolder(out) as dest:
        write_set(dest.staging, "new")
        dest.commit()
    assert (out / "summary.json").read_text(encoding="utf-8") == "new"


def test_sigint_during_the_swap_is_held_until_the_swap_is_done(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    write_set(out, "old")
    real = safe_write._swap_in

    def swap_with_a_ctrl_c(staging, target):
        os.kill(os.getpid(), signal.SIGINT)  # arrives between the steps of the swap
        real(staging, target)

    monkeypatch.setattr(safe_write, "_swap_in", swap_with_a_ctrl_c)
    # Ctrl-C as in a terminal, even when the tests run in a shell's background (SIGINT ignored there)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        dest = OutputFolder(out)
        with pytest.raises(KeyboardInterrupt):
            with dest:
                write_set(dest.staging, "new")
                dest.commit()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler before is back
    finally:
        signal.signal(signal.SIGINT, previous)
    assert dest.committed
    assert (out / "summary.json").read_text(encoding="utf-8") == "new"  # complete, not half-swapped


def test_a_failed_second_rename_puts_the_previous_set_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    write_set(out, "old")
    monkeypatch.setattr(safe_write, "_exchange", lambda a, b: False)
    real_rename = os.rename

    def rename(src, dst):
        if str(src).endswith(f".tmp-{os.getpid()}"):
            raise PermissionError(13, "Permission denied")  # e.g. a file held open on Windows
        real_rename(src, dst)

    monkeypatch.setattr(safe_write.os, "rename", rename)
    with pytest.raises(OutputError) as info:
        with OutputFolder(out) as dest:
            write_set(dest.staging, "new")
            dest.commit()
    assert info.value.codes == ["out_in_use"] and "previous outputs are kept" in str(info.value)
    assert (out / "summary.json").read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize("files", [1, 30], ids=["one-by-one", "on-threads"])
def test_every_file_and_folder_is_flushed_before_the_swap(tmp_path, monkeypatch, files):
    out = tmp_path / "out"
    flushed, swapped = [], []
    real_fsync, real_swap = os.fsync, safe_write._swap_in

    def fsync(fd):
        flushed.append(os.path.realpath(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def swap(staging, target):
        swapped.append(len(flushed))
        real_swap(staging, target)

    monkeypatch.setattr(safe_write.os, "fsync", fsync)
    monkeypatch.setattr(safe_write, "_swap_in", swap)
    with OutputFolder(out) as dest:
        for i in range(files):
            folder = dest.staging / "years" / str(2000 + i % 3)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"f{i}.json").write_text(str(i), encoding="utf-8")
        wanted = {os.path.realpath(p) for p in [dest.staging, *dest.staging.rglob("*")]}
        staging = os.path.realpath(dest.staging)
        dest.commit()
    mine = [f for f in flushed if f.startswith(staging)]
    assert set(mine) == wanted and len(mine) == len(wanted)  # each once, folders too
    assert swapped == [len(mine)]  # every flush of the set was done before the swap (then its parent's)
    assert flushed[-1] == os.path.realpath(out.parent)


def test_a_failed_flush_keeps_the_previous_set(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    write_set(out, "old")
    real_fsync = os.fsync

    def fsync(fd):
        if os.path.realpath(f"/proc/self/fd/{fd}").endswith("f7.json"):
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(safe_write.os, "fsync", fsync)
    with pytest.raises(OSError, match="Input/output error"):
        with OutputFolder(out) as dest:
            for i in range(20):
                (dest.staging / f"f{i}.json").write_text("new", encoding="utf-8")
            dest.commit()
    assert (out / "summary.json").read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob("out.tmp-*"))  # the unfinished set is removed


# --------------------------------------------------------------- recovery
def test_recover_puts_back_a_set_left_between_the_two_renames(tmp_path):
    # a run killed after `out` -> `out.old-<pid>` and before `out.tmp-<pid>` -> `out`
    out = tmp_path / "out"
    old, tmp = tmp_path / "out.old-4242", tmp_path / "out.tmp-4242"
    old.mkdir()
    write_set(old, "previous")
    tmp.mkdir()
    write_set(tmp, "unfinished")
    done = recover(out)
    assert (out / "summary.json").read_text(encoding="utf-8") == "previous"
    assert not old.exists() and not tmp.exists()
    assert any("restored the previous outputs" in en for _, en in done)
    assert any("removed out.tmp-4242" in en for _, en in done)


def test_recover_keeps_the_new_set_when_the_swap_was_done(tmp_path):
    # killed after the swap, before the previous set was removed
    out, old = tmp_path / "out", tmp_path / "out.old-77"
    out.mkdir()
    write_set(out, "new")
    old.mkdir()
    write_set(old, "previous")
    recover(out)
    assert (out / "summary.json").read_text(encoding="utf-8") == "new" and not old.exists()


def test_recover_leaves_folders_it_did_not_make(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "out.old-notes").mkdir()  # not <pid>: someone's own folder
    assert recover(out) == [] and (tmp_path / "out.old-notes").is_dir()


def test_a_run_reports_what_it_recovered(tmp_path):
    out, old = tmp_path / "out", tmp_path / "out.old-123"
    old.mkdir()
    write_set(old, "previous")
    with OutputFolder(out) as dest:
        assert dest.existed  # the previous set is back before the run decides anything
        assert [en for _, en in dest.recovered] == [
            "restored the previous outputs: out.old-123 → out (a run was interrupted while replacing them)"]


# ------------------------------------------------------------------- lock
def test_a_second_writer_fails_at_once_naming_the_first(tmp_path):
    out = tmp_path / "out"
    with OutputFolder(out):
        assert (tmp_path / "out.lock").read_text(encoding="utf-8").startswith(f"pid {os.getpid()} since ")
        with pytest.raises(OutputBusy) as info:
            with OutputFolder(out):
                pass
        assert info.value.codes == ["out_busy"]
        assert f"pid {os.getpid()}" in str(info.value) and "--wait" in str(info.value)
    assert not (tmp_path / "out.lock").exists()  # removed when released
    with OutputFolder(out):  # free again
        pass


def test_the_lock_is_the_folder_not_its_spelling(tmp_path):
    (tmp_path / "sub").mkdir()
    with OutputFolder(tmp_path / "out"):
        with pytest.raises(OutputBusy):
            with OutputFolder(tmp_path / "sub" / ".." / "out"):
                pass


# ----------------------------------------------------------------- checks
def test_out_that_is_a_file_or_under_a_file(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text("x", encoding="utf-8")
    assert codes(check_output_folder(f)) == ["out_is_file"]
    assert codes(check_output_folder(f / "out")) == ["out_parent_is_file"]
    assert codes(check_output_folder(f / "a" / "b")) == ["out_parent_is_file"]
    with pytest.raises(OutputError):
        with OutputFolder(f / "out"):
            pass
    assert f.read_text(encoding="utf-8") == "x"


def test_out_in_a_read_only_folder(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    real_access = os.access
    # as if the folder had no write permission (chmod does not stop root, who runs CI containers)
    monkeypatch.setattr(safe_write.os, "access", lambda p, mode: False if os.fspath(p) == str(ro) else real_access(p, mode))
    (problem,) = check_output_folder(ro / "out")
    assert problem.code == "out_not_writable" and problem.value == str(ro)


def test_out_that_holds_other_files_is_refused(tmp_path):
    out = tmp_path / "out"
    (out / "years" / "2020").mkdir(parents=True)
    write_set(out, "a")
    write_set(out / "years" / "2020", "a")
    (out / "maps").mkdir()
    (out / "maps" / "npp.tif").write_bytes(b"")
    for name in ("allocation.xlsx", "allocation.json", "appraisal.json", "green_gold.xlsx"):  # gep allocate …
        (out / name).write_bytes(b"")
    assert check_output_folder(out) == []  # a set gep wrote
    (out / "notes.docx").write_bytes(b"mine")
    (out / "years" / "2020" / "draft.xlsx").write_bytes(b"mine")
    (problem,) = check_output_folder(out)
    assert problem.code == "out_holds_other_files"
    assert problem.value == ["notes.docx", "years/2020/draft.xlsx"]
    assert "notes.docx" in problem.en and "replaces the output folder as a whole" in problem.hint_en


@pytest.mark.parametrize("where", ["equals", "holds", "inside"])
def test_out_that_overlaps_an_input(tmp_path, where):
    county = tmp_path / "county"
    (county / "coefficients").mkdir(parents=True)
    stats = county / "accounts.xlsx"  # a statistics workbook named like the report
    stats.write_bytes(b"workbook")
    out = {"equals": stats, "holds": county, "inside": county / "coefficients" / "out"}[where]
    inputs = [stats, county / "coefficients"]
    found = [p for p in check_output_folder(out, inputs) if p.code == "out_overlaps_input"]
    assert found, where
    how = {"equals": "is", "holds": "holds", "inside": "is inside"}[where]
    assert f"the output folder {how} the input" in found[0].en
    assert stats.read_bytes() == b"workbook"


def test_overlap_is_seen_through_a_symbolic_link(tmp_path):
    county = tmp_path / "county"
    county.mkdir()
    (county / "regions.csv").write_text("id\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(county)
    problems = check_output_folder(tmp_path / "link", [county / "regions.csv"])
    assert "out_overlaps_input" in codes(problems)


def test_a_maps_folder_is_replaced_as_a_whole_and_holds_maps_only(tmp_path):
    import numpy as np
    import rioxarray  # noqa: F401
    import xarray as xr

    from gep.io.outputs import write_maps

    def result(value):
        da = xr.DataArray(np.full((4, 4), value), dims=("y", "x"),
                          coords={"y": [3.5, 2.5, 1.5, 0.5], "x": [0.5, 1.5, 2.5, 3.5]}).rio.write_crs("EPSG:32650")
        return type("Res", (), {"extra": {"maps": {"npp": da}}})()

    maps = tmp_path / "maps"
    assert sorted(write_maps(result(1.0), maps)) == ["npp"]
    write_maps(result(2.0), maps)  # a folder of maps is replaced
    assert float(rioxarray.open_rasterio(maps / "npp.tif").max()) == 2.0
    (maps / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        write_maps(result(3.0), maps)
    assert info.value.problems[0].value == ["notes.txt"] and float(rioxarray.open_rasterio(maps / "npp.tif").max()) == 2.0
