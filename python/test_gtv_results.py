"""Tests of gtv_results.py against a real run folder (stdlib unittest, NumPy).

test/python/reader.test.ts runs a small two-axis study and then
    GTV_TEST_RUN=<run folder> python3 -m unittest test_gtv_results
from python/. The expected values come from the run's own files, read here without the reader:
the .npy files by a minimal parser of the format, metrics.json and manifest.json with json.
With GTV_REQUIRE_PYTHON=1 (CI, which installs Debian's python3-pandas and python3-xarray) a
missing pandas or xarray fails the test instead of skipping it.
"""

import ast
import json
import os
import struct
import unittest
import warnings

import numpy as np

import gtv_results as gr

RUN = os.environ.get("GTV_TEST_RUN", "")
REQUIRE = os.environ.get("GTV_REQUIRE_PYTHON") == "1"


def optional(module):
    try:
        return __import__(module)
    except ImportError:
        if REQUIRE:
            raise
        return None


pd = optional("pandas")
xr = optional("xarray")


def read_npy(path):
    """The .npy format (version 1.0 to 3.0) read by hand, independent of numpy.load."""
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:6] == b"\x93NUMPY", path
    major = raw[6]
    if major == 1:
        (hlen,), start = struct.unpack("<H", raw[8:10]), 10
    else:
        (hlen,), start = struct.unpack("<I", raw[8:12]), 12
    header = ast.literal_eval(raw[start : start + hlen].decode("latin1"))
    assert header["fortran_order"] is False, path
    data = np.frombuffer(raw[start + hlen :], dtype=np.dtype(header["descr"]))
    return data.reshape(header["shape"])


def load_json(*parts):
    with open(os.path.join(RUN, *parts), encoding="utf-8") as f:
        return json.load(f)


@unittest.skipUnless(RUN, "GTV_TEST_RUN (a run folder) is not set")
class ReaderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = gr.load_run(RUN)
        cls.manifest = load_json("manifest.json")
        cls.run_metrics = load_json("metrics.json")

    def test_axes_and_cells(self):
        axes = self.manifest["ir"]["axes"]
        self.assertEqual(list(self.r.axes), [a["name"] for a in axes])
        for a in axes:
            np.testing.assert_array_equal(self.r.axes[a["name"]], a["values"])
        self.assertEqual([c.id for c in self.r.cells], [c["id"] for c in self.manifest["cells"]])
        for c, m in zip(self.r.cells, self.manifest["cells"]):
            self.assertEqual(c.values, m["values"])
            self.assertEqual(os.path.normpath(c.dir), os.path.normpath(os.path.join(RUN, m["dir"])))
        first = self.manifest["cells"][0]
        self.assertEqual(self.r.cell(**first["values"]).id, first["id"])
        with self.assertRaises(KeyError):
            self.r.cell(**{k: -12345.0 for k in first["values"]})

    def test_arrays_equal_npy_files_and_dims_match_shapes(self):
        checked = 0
        for c in self.r.cells:
            meta = load_json(c.dir, "result.json")
            self.assertEqual(sorted(c.arrays.keys()), sorted(a["node"] + "." + a["array"] for a in meta["arrays"]))
            for a in meta["arrays"]:
                key = a["node"] + "." + a["array"]
                expected = read_npy(os.path.join(c.dir, a["file"]))
                got = c.arrays[key]
                self.assertEqual(got.dtype, expected.dtype, key)
                np.testing.assert_array_equal(got, expected, err_msg=key)
                self.assertEqual(list(got.shape), a["shape"], key)
                # result.json names every axis: one name per axis, no repeats.
                self.assertEqual(len(a["dims"]), got.ndim, key)
                self.assertEqual(len(set(a["dims"])), got.ndim, key)
                self.assertEqual(c.dims[key], tuple(a["dims"]))
                checked += 1
        self.assertGreater(checked, 0)

    def test_known_dims(self):
        c = self.r.cells[0]
        self.assertEqual(c.dims["trained.member_density"], ("member", "bin_x"))
        self.assertEqual(c.arrays["trained.member_density"].shape[0], c.scalars["trained"]["members"])
        self.assertEqual(c.dims["trained.samples"], ("draw", "dim"))
        self.assertEqual(c.dims["w.values"], ("t", "x", "point"))
        self.assertEqual(c.arrays["w.values"].shape, (len(c.arrays["w.t"]), len(c.arrays["w.grid_x"]), len(c.arrays["train.weights"])))
        self.assertEqual(c.dims["exact.edges_x"], ("edge_x",))
        self.assertEqual(c.dims["vp.alpha"], ("table_t",))
        # Posterior weights sum to 1 over the training points.
        np.testing.assert_allclose(c.arrays["w.values"].sum(axis=-1), 1.0, rtol=1e-12)

    def test_stacked(self):
        stacked = self.r.stacked("trained.density")
        self.assertEqual(stacked.shape, tuple(len(v) for v in self.r.axes.values()) + self.r.cells[0].shapes["trained.density"])
        for c in self.r.cells:
            idx = tuple(list(self.r.axes[a]).index(c.values[a]) for a in self.r.axes)
            np.testing.assert_array_equal(stacked[idx], read_npy(os.path.join(c.dir, "trained.density.npy")))
        samples = self.r.stacked("exact.samples")
        self.assertEqual(samples.dtype, np.float32)
        c = self.r.cells[-1]
        idx = tuple(len(v) - 1 for v in self.r.axes.values())
        np.testing.assert_array_equal(samples[idx], read_npy(os.path.join(c.dir, "exact.samples.npy")))

    def test_metrics_match_metrics_json(self):
        table = gr.metrics(RUN)
        expected = []
        for row in self.run_metrics:
            for col, v in row["metrics"].items():
                node, name = col.split(".", 1)
                if name == "se_over":
                    m = row["metrics"]
                    expected.append((row["cell"], node, m[node + ".value"], m[node + ".standard_error"], v, row["values"]))
        self.assertEqual(len(table), len(expected))
        self.assertGreater(len(table), 0)
        for got, (cell, node, value, se, over, values) in zip(table, expected):
            self.assertEqual(got["cell"], cell)
            self.assertEqual(got["metric"], node)
            self.assertEqual(got["value"], value)
            self.assertEqual(got["standard_error"], se)
            self.assertEqual(got["se_over"], over)
            for a, v in values.items():
                self.assertEqual(got[a], v)
        self.assertEqual(set(table["se_over"]), {"members", "draws"})

    def test_metrics_csv_loads_with_genfromtxt(self):
        path = os.path.join(RUN, "metrics.csv")
        plain = np.genfromtxt(path, names=True, delimiter=",")
        self.assertEqual(len(plain), len(self.run_metrics))
        # genfromtxt drops the dots of the header by default: gap.value -> gapvalue.
        np.testing.assert_array_equal(plain["gapvalue"], [r["metrics"]["gap.value"] for r in self.run_metrics])
        full = np.genfromtxt(path, names=True, delimiter=",", dtype=None, encoding="utf-8", deletechars="")
        self.assertEqual(list(full["cell"]), [r["cell"].replace(",", ";") for r in self.run_metrics])
        np.testing.assert_array_equal(full["gap.standard_error"], [r["metrics"]["gap.standard_error"] for r in self.run_metrics])
        self.assertEqual(list(full["near.se_over"]), [r["metrics"]["near.se_over"] for r in self.run_metrics])
        for a in self.r.axes:
            np.testing.assert_array_equal(full[a], [r["values"][a] for r in self.run_metrics])

    @unittest.skipIf(pd is None, "pandas is not installed")
    def test_pandas(self):
        df = pd.read_csv(os.path.join(RUN, "metrics.csv"))
        self.assertEqual(list(df["gap.value"]), [r["metrics"]["gap.value"] for r in self.run_metrics])
        frame = gr.metrics_frame(RUN)
        self.assertEqual(list(frame.columns), ["cell", *self.r.axes, "metric", "value", "standard_error", "se_over"])
        np.testing.assert_array_equal(frame["value"].to_numpy(), gr.metrics(RUN)["value"])

    @unittest.skipIf(xr is None, "xarray is not installed")
    def test_xarray(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ds = self.r.to_xarray()
        axes = list(self.r.axes)
        for a in axes:
            np.testing.assert_array_equal(ds[a].values, self.r.axes[a])
        self.assertEqual(ds["trained.member_density"].dims, (*axes, "member", "bin_x"))
        # Each sampler keeps its own number of draws, so `draw` is named per node.
        self.assertEqual(ds["exact.samples"].dims, (*axes, "exact.draw", "dim"))
        self.assertEqual(ds["trained.samples"].dims, (*axes, "trained.draw", "dim"))
        for c in self.r.cells:
            sel = ds.sel(**c.values)
            np.testing.assert_array_equal(sel["trained.member_density"].values, read_npy(os.path.join(c.dir, "trained.member_density.npy")))
            np.testing.assert_array_equal(sel["w.values"].values, read_npy(os.path.join(c.dir, "w.values.npy")))
            row = next(r for r in self.run_metrics if r["cell"] == c.id)
            self.assertEqual(float(sel["gap"]), row["metrics"]["gap.value"])
            self.assertEqual(float(sel["gap.standard_error"]), row["metrics"]["gap.standard_error"])
            self.assertEqual(str(sel["gap.se_over"].values), row["metrics"]["gap.se_over"])
            self.assertEqual(float(sel["near.median"]), row["metrics"]["near.median"])


class OldFolderTest(unittest.TestCase):
    """A result.json without dims (gtv 0.2.0 and older) still reads, with placeholder names."""

    def test_no_dims(self):
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "cells", "main"))
            np.save(os.path.join(d, "cells", "main", "a.density.npy"), np.arange(6.0).reshape(2, 3))
            arr = {"node": "a", "array": "density", "file": "a.density.npy", "shape": [2, 3], "dtype": "float64", "doc": "d"}
            meta = {"cell_id": "main", "backend": "cpu", "timings": {}, "arrays": [arr], "scalars": {"a": {"n": None}}, "notes": {}, "cell": {"nodes": []}}
            with open(os.path.join(d, "cells", "main", "result.json"), "w") as f:
                json.dump(meta, f)
            cell = {"id": "main", "index": 0, "values": {}, "dir": "cells/main", "status": "done"}
            manifest = {"study": "s", "status": "complete", "scale": 1, "cells": [cell], "ir": {"axes": []}}
            with open(os.path.join(d, "manifest.json"), "w") as f:
                json.dump(manifest, f)
            run = gr.load_run(d)
            c = run.cells[0]
            self.assertEqual(c.dims["a.density"], ("axis_0", "axis_1"))
            np.testing.assert_array_equal(run.stacked("a.density"), np.arange(6.0).reshape(2, 3))
            self.assertTrue(np.isnan(c.scalars["a"]["n"]))
            self.assertEqual(len(gr.metrics(run)), 0)


if __name__ == "__main__":
    unittest.main()
