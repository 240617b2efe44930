"""accounts.nc: gep's short cut past ``to_netcdf`` writes the same bytes, reads back the same, imports no cluster."""

import subprocess
import sys
import textwrap

import xarray as xr

from gep.io.netcdf import ENGINE, load_netcdf, write_netcdf


def test_the_short_cut_writes_the_bytes_to_netcdf_writes(example_result, tmp_path):
    ds = example_result.to_dataset()
    ours, theirs = write_netcdf(ds, tmp_path / "ours.nc"), tmp_path / "theirs.nc"
    ds.to_netcdf(theirs, engine=ENGINE)
    assert ours.read_bytes() == theirs.read_bytes()
    assert write_netcdf(ds, tmp_path / "again.nc").read_bytes() == ours.read_bytes()  # the same bytes every run


def test_what_is_written_reads_back_identical(example_result, tmp_path):
    ds = example_result.to_dataset()
    back = load_netcdf(write_netcdf(ds, tmp_path / "accounts.nc"))
    assert back.identical(ds)
    assert float(back["value"].sum()) == example_result.total
    # any NetCDF-4 reader reads it: here xarray's other engine, when installed
    try:
        import h5netcdf  # noqa: F401
    except ImportError:
        return
    with xr.open_dataset(tmp_path / "accounts.nc", engine="h5netcdf") as other:
        assert other.load().identical(ds)


def test_writing_does_not_import_dask_distributed():
    """Asking dask for its scheduler (to_netcdf does, and the netCDF4 store asks for a file's lock) imports
    dask.distributed, 0.3 s of a one-year run; a dataset in memory is written without asking."""
    code = textwrap.dedent("""
        import sys, tempfile, pathlib
        import gep
        from gep.io.netcdf import write_netcdf
        res = gep.Account.from_config(gep.example_config()).run()
        write_netcdf(res.to_dataset(), pathlib.Path(tempfile.mkdtemp()) / "accounts.nc")
        print("distributed" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_damaged_file_is_named_not_a_defect_of_gep(example_result, tmp_path):
    """An accounts.nc cut short (a full disk, a copy that stopped) or another file under its name is the
    user's file to write again: an InputFileError naming it, and `gep report` exits 1 without a crash report."""
    import pytest
    from typer.testing import CliRunner

    from gep.cli import app
    from gep.errors import InputFileError

    good = write_netcdf(example_result.to_dataset(), tmp_path / "good.nc")
    cut, other = tmp_path / "cut.nc", tmp_path / "other.nc"
    cut.write_bytes(good.read_bytes()[:5000])
    other.write_text("region,value\n", encoding="utf-8")
    for path in (cut, other):
        with pytest.raises(InputFileError) as err:
            load_netcdf(path)
        assert err.value.problems[0].code == "unreadable_netcdf" and err.value.problems[0].file == str(path)
    out = tmp_path / "run"
    example_result.write(out)
    (out / "accounts.nc").write_bytes(good.read_bytes()[:5000])
    r = CliRunner().invoke(app, ["report", str(out)])
    assert r.exit_code == 1, r.output
    assert "unreadable_netcdf" in r.output or "cannot read the NetCDF file" in r.output
    assert "internal error" not in r.output
