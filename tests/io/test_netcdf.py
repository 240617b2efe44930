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
