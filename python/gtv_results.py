"""Read a gtv run folder from Python.

Needs NumPy only; pandas and xarray are used when installed (``metrics_frame``,
``Run.to_xarray``, ``metrics_dataset``). The folder layout, the metrics.json schema and every
array's shape, dims and units are in docs/outputs.md.

    from gtv_results import load_run, metrics
    run = load_run("runs/gap_filling")
    run.axes                         # {"eps": array([0.01, 0.001, 0.0001]), "P": array([...])}
    cell = run.cell(eps=1e-3, P=256)
    cell.arrays["trained.density"]   # numpy array, dims cell.dims["trained.density"]
    table = metrics("runs/gap_filling")   # one row per cell and metric: value, standard_error, se_over
    ds = run.to_xarray()             # every array stacked over the sweep axes (needs xarray)
"""

import json
import os
import warnings

import numpy as np

__all__ = ["Run", "Cell", "load_run", "metrics", "metrics_frame", "metrics_dataset"]


class _LazyArrays(dict):
    """``node.array`` -> numpy array, loaded from its .npy file on first access."""

    def __init__(self, files):
        super().__init__()
        self._files = dict(files)

    def __getitem__(self, key):
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, np.load(self._files[key], allow_pickle=False))
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        return key in self._files

    def __iter__(self):
        return iter(self._files)

    def __len__(self):
        return len(self._files)

    def keys(self):
        return self._files.keys()

    def items(self):
        return [(k, self[k]) for k in self._files]

    def values(self):
        return [self[k] for k in self._files]

    def get(self, key, default=None):
        return self[key] if key in self._files else default

    def __repr__(self):
        return "arrays(" + ", ".join(self._files) + ")"


class Cell:
    """One cell of a run: its sweep values and its outputs (cells/<id>/)."""

    def __init__(self, run_dir, entry):
        self.id = entry["id"]
        self.index = entry["index"]
        self.values = dict(entry["values"])
        self.status = entry["status"]
        self.dir = os.path.join(run_dir, entry["dir"])
        with open(os.path.join(self.dir, "result.json"), encoding="utf-8") as f:
            meta = json.load(f)
        files = {}
        self.dims = {}
        self.docs = {}
        self.shapes = {}
        self.dtypes = {}
        for a in meta["arrays"]:
            key = a["node"] + "." + a["array"]
            files[key] = os.path.join(self.dir, a["file"])
            # Folders of gtv 0.2.0 and older have no dims.
            self.dims[key] = tuple(a.get("dims") or ["axis_%d" % i for i in range(len(a["shape"]))])
            self.docs[key] = a["doc"]
            self.shapes[key] = tuple(a["shape"])
            self.dtypes[key] = np.dtype(a["dtype"])
        self.arrays = _LazyArrays(files)
        # JSON null (a NaN or infinite value) reads back as NaN.
        self.scalars = {
            node: {k: (np.nan if v is None else float(v)) for k, v in s.items()}
            for node, s in meta["scalars"].items()
        }
        self.labels = {node: dict(l) for node, l in (meta.get("labels") or {}).items()}
        self.notes = {node: list(n) for node, n in meta["notes"].items()}
        self.timings = dict(meta["timings"])
        self.backend = meta["backend"]
        self.ir = meta["cell"]
        self.metric_nodes = [n["name"] for n in meta["cell"]["nodes"] if n["kind"] == "metric"]

    def __repr__(self):
        return "Cell(%r)" % self.id


class Run:
    """A run folder: manifest.json, cells/<id>/ and the run-level metrics."""

    def __init__(self, run_dir):
        self.dir = run_dir
        with open(os.path.join(run_dir, "manifest.json"), encoding="utf-8") as f:
            self.manifest = json.load(f)
        m = self.manifest
        self.study = m["study"]
        self.status = m["status"]
        self.scale = m["scale"]
        # Axes in declaration order, values in sweep order: the cells are their full product.
        self.axes = {a["name"]: np.asarray(a["values"], dtype=float) for a in m["ir"]["axes"]}
        self.cells = [Cell(run_dir, c) for c in m["cells"] if c["status"] == "done"]
        missing = [c["id"] for c in m["cells"] if c["status"] != "done"]
        if missing:
            warnings.warn("%s: %d cell(s) not done, left out: %s" % (run_dir, len(missing), ", ".join(missing)))

    def cell(self, **values):
        """The cell with these sweep values, e.g. ``run.cell(eps=1e-3, P=256)``."""
        for c in self.cells:
            if all(np.isclose(c.values[k], v, rtol=1e-12, atol=0) for k, v in values.items()) and set(values) == set(c.values):
                return c
        raise KeyError("no cell with %r in %s" % (values, self.dir))

    def _position(self, cell):
        return tuple(int(np.flatnonzero(self.axes[a] == cell.values[a])[0]) for a in self.axes)

    def stacked(self, name):
        """Array ``node.array`` of every cell stacked over the sweep axes: shape
        (len(axis) for each axis) + the array's own shape, its dtype, NaN where a cell is missing.
        Raises ValueError if the cells' shapes differ."""
        shapes = {c.shapes[name] for c in self.cells if name in c.shapes}
        if len(shapes) != 1:
            raise ValueError("%s: shapes differ across cells (%s)" % (name, sorted(shapes)))
        shape = shapes.pop()
        dtype = next(c.dtypes[name] for c in self.cells if name in c.dtypes)
        out = np.full(tuple(len(v) for v in self.axes.values()) + shape, np.nan, dtype=dtype)
        for c in self.cells:
            if name in c.arrays:
                out[self._position(c)] = c.arrays[name]
        return out

    def array_names(self):
        names = []
        for c in self.cells:
            for k in c.arrays.keys():
                if k not in names:
                    names.append(k)
        return names

    def to_xarray(self, metrics=True):
        """An xarray Dataset: every array as variable ``node.array`` with dims (sweep axes...,
        the array's dims...), the sweep values as coordinates, and (``metrics=True``) the
        variables of ``metrics_dataset``. A dim name that two arrays use with different sizes
        (``draw``: each sampler keeps its own number of samples) becomes ``node.dim`` in every
        array that uses it. Arrays whose shape differs across cells are left out with a warning;
        ``Cell.arrays`` has them."""
        import xarray as xr

        names = self.array_names()
        dims = {}
        for n in names:
            c = next(c for c in self.cells if n in c.dims)
            dims[n] = (c.dims[n], c.shapes[n])
        sizes = {}
        for n, (ds, sh) in dims.items():
            for d, s in zip(ds, sh):
                sizes.setdefault(d, set()).add(s)
        clash = {d for d, s in sizes.items() if len(s) > 1} | (set(sizes) & set(self.axes))
        variables = {}
        skipped = []
        for n in names:
            try:
                data = self.stacked(n)
            except ValueError:
                skipped.append(n)
                continue
            node = n.split(".", 1)[0]
            own = [node + "." + d if d in clash else d for d in dims[n][0]]
            c = next(c for c in self.cells if n in c.docs)
            variables[n] = xr.Variable(list(self.axes) + own, data, attrs={"doc": c.docs[n]})
        if skipped:
            warnings.warn("shapes differ across cells, not in the Dataset: " + ", ".join(skipped))
        ds = xr.Dataset(variables, coords={a: v for a, v in self.axes.items()}, attrs={"study": self.study, "run_dir": self.dir})
        if metrics:
            ds = ds.merge(metrics_dataset(self))
        return ds

    def __repr__(self):
        return "Run(%r, study=%r, axes=%r, cells=%d)" % (self.dir, self.study, list(self.axes), len(self.cells))


def load_run(run_dir):
    """Reads manifest.json and every done cell's result.json; arrays load on first access."""
    return Run(run_dir)


def _as_run(run):
    return run if isinstance(run, Run) else Run(run)


def _metric_rows(run):
    rows = []
    for c in run.cells:
        for m in c.metric_nodes:
            s = c.scalars.get(m, {})
            extra = {k: v for k, v in s.items() if k not in ("value", "standard_error")}
            rows.append((c, m, s.get("value", np.nan), s.get("standard_error", np.nan), c.labels.get(m, {}).get("se_over", ""), extra))
    return rows


def metrics(run):
    """Every metric of every cell as a NumPy structured array, one row per (cell, metric), with
    fields ``cell``, one per sweep axis, ``metric``, ``value``, ``standard_error`` and ``se_over``
    (``members`` or ``draws``: what the error covers). NaN where JSON had null. A metric's other
    scalars (``median``, ``max``, ``bandwidth``) are in ``Cell.scalars``."""
    run = _as_run(run)
    rows = _metric_rows(run)
    width = lambda xs: max([1] + [len(x) for x in xs])
    dtype = (
        [("cell", "U%d" % width([r[0].id for r in rows]))]
        + [(a, "f8") for a in run.axes]
        + [("metric", "U%d" % width([r[1] for r in rows])), ("value", "f8"), ("standard_error", "f8"), ("se_over", "U7")]
    )
    out = np.zeros(len(rows), dtype=dtype)
    for i, (c, m, v, se, over, _) in enumerate(rows):
        out[i] = (c.id, *[c.values[a] for a in run.axes], m, v, se, over)
    return out


def metrics_frame(run):
    """``metrics(run)`` as a pandas DataFrame (needs pandas)."""
    import pandas as pd

    return pd.DataFrame(metrics(run))


def metrics_dataset(run):
    """An xarray Dataset over the sweep axes (needs xarray): per metric node ``m`` the variables
    ``m`` (value), ``m.standard_error``, ``m.se_over`` and any other scalar as ``m.<name>``."""
    import xarray as xr

    run = _as_run(run)
    shape = tuple(len(v) for v in run.axes.values())
    fields = {}
    for c, m, v, se, over, extra in _metric_rows(run):
        pos = run._position(c)
        for name, val in [(m, v), (m + ".standard_error", se)] + [(m + "." + k, x) for k, x in extra.items()]:
            fields.setdefault(name, np.full(shape, np.nan))[pos] = val
        fields.setdefault(m + ".se_over", np.full(shape, "", dtype="U7"))[pos] = over
    return xr.Dataset({k: (list(run.axes), v) for k, v in fields.items()}, coords={a: v for a, v in run.axes.items()})
