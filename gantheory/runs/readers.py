r"""Read scalar series from logs that already exist: TensorBoard, CSV, W&B exports. Every point is read.

========================  ===========================================================================
format                    what is read
========================  ===========================================================================
``tensorboard``           event files (a file or a folder) through ``tbparse.SummaryReader``, which reads
                          every scalar (TensorBoard's own ``EventAccumulator`` keeps 10,000 per tag by
                          default and drops the rest silently); runs in subfolders get ``RUN/tag``
``csv``                   Lightning ``metrics.csv`` (sparse rows: each tag keeps only its own non-empty
                          rows), Keras ``CSVLogger`` (``epoch`` column), plain CSV (``step`` or the row index)
``wandb``                 W&B exports: parquet with a ``_step`` column, or ``scan_history()`` rows saved as
                          JSON (a list) or JSON lines (the sampled ``history()`` is not enough: 500 rows)
========================  ===========================================================================

The step column is the first of ``step``, ``_step``, ``global_step``, ``trainer/global_step``, ``epoch``
present, matched case-insensitively (else the row number); wall-clock columns (``Wall time``, ``wall_time``)
are no tags. A value written as NaN or ±inf (``nan``/``inf`` in a CSV, ``NaN``/``Infinity`` in JSON, a NaN in
parquet or an event file) is kept as a point: what a diverged run logs is reported, by
:func:`gantheory.runs.analyse_log`, never dropped here; an absent cell (empty, ``NA``, ``null``, a missing
key) is no point. TensorBoard's own CSV export (``Wall time,Step,Value``: one tag per file) names its single tag
after the file stem, and a single requested tag reads its ``Value`` column; a folder of such exports (one
file per tag, ``run-.-tag-Loss_D.csv``) gives every tag, so D and G can both be read. An unknown tag raises, naming
the nearest tags in the file.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gantheory.errors import DependencyError, GanTheoryError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMATS", "LogSeries", "read_log"]

FORMATS = ("auto", "tensorboard", "csv", "wandb")
_STEP_COLUMNS = ("step", "_step", "global_step", "trainer/global_step", "epoch")   # compared in lower case
_TIME_COLUMNS = ("wall time", "wall_time", "walltime", "timestamp")                # never a tag
_TB_EXPORT = {"wall time", "step", "value"}    # TensorBoard's "download CSV" of one tag


@dataclass(frozen=True)
class LogSeries:
    """One scalar tag: ``steps`` and ``values`` (float64, same length, in file order), and its ``source``."""

    tag: str
    steps: np.ndarray
    values: np.ndarray
    source: str

    def __len__(self) -> int:
        return int(self.values.size)


def _pandas():
    try:
        import pandas as pd
    except ImportError as exc:
        raise DependencyError("reading logs needs pandas: pip install 'gantheory[runs]'") from exc
    return pd


def _detect(path: Path) -> str:
    name = path.name.lower()
    if path.is_dir():
        if any("tfevents" in p.name for p in path.rglob("*")):
            return "tensorboard"
        if any(p.suffix.lower() == ".csv" for p in path.iterdir()):
            return "csv"  # a folder of CSV files, e.g. TensorBoard's "download CSV" of each tag
        raise GanTheoryError(f"parameter 'path': {path} is a folder without TensorBoard event files or CSV files")
    if "tfevents" in name:
        return "tensorboard"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".parquet", ".json", ".jsonl")):
        return "wandb"
    raise GanTheoryError(f"parameter 'path': cannot tell the format of {path.name} (pass format= one of {FORMATS[1:]})")


def _tensorboard(path: Path) -> pd.DataFrame:
    try:
        from tbparse import SummaryReader
    except ImportError as exc:
        raise DependencyError("reading TensorBoard event files needs tbparse: pip install 'gantheory[runs]'") from exc
    import warnings

    with warnings.catch_warnings():  # tbparse's own pandas deprecation (inplace sort), not the user's concern
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=FutureWarning)
        df = SummaryReader(str(path), pivot=False, event_types={"scalars"}, extra_columns={"dir_name"}).scalars
    if "dir_name" in df.columns and df["dir_name"].nunique() > 1:  # several runs under one folder: keep them apart
        df = df.assign(tag=[f"{d}/{t}" if d else t for d, t in zip(df["dir_name"], df["tag"], strict=True)])
    return df[["step", "tag", "value"]]


def _column(col: pd.Series, written: pd.Series | None) -> tuple[pd.Series, pd.Series]:
    """(float values, where a value was written) of one column.

    A written NaN or ±inf (a diverged loss: ``nan``/``inf`` in a CSV, ``NaN``/``Infinity`` in JSON) is kept as
    a value; an absent cell (Lightning's sparse rows, a key a W&B row does not have, ``null``) is not a point.
    Text columns are parsed here, so ``nan`` (any case and sign) is told apart from an empty cell; numeric
    columns cannot tell the two apart, so their reader passes ``written``.
    """
    pd = _pandas()
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        vals = col.astype(np.float64)
        mask = vals.notna() if written is None else written
    else:
        text = col.astype("string").str.strip()
        vals = pd.to_numeric(text, errors="coerce").astype(np.float64)
        nan_written = text.str.lower().str.lstrip("+-").eq("nan").fillna(False).astype(bool)
        mask = vals.notna() | nan_written
        if written is not None:
            mask &= written
    return vals, mask.astype(bool)


def _wide_to_long(df: pd.DataFrame, written: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long rows (step, tag, value) of a wide table; ``written`` (same shape, bool) marks the cells a value
    was written to where the table itself cannot say (a float column holds NaN for absent and for NaN)."""
    pd = _pandas()
    lower = {str(c).strip().lower(): c for c in reversed(list(df.columns))}  # first spelling wins
    step = next((lower[c] for c in _STEP_COLUMNS if c in lower), None)
    steps = (pd.to_numeric(df[step], errors="coerce") if step is not None
             else pd.Series(np.arange(len(df)), index=df.index))
    rows = []
    for col in df.columns:
        name = str(col) if not isinstance(col, str) else col
        if col == step or (name.startswith("_") and name != "_step") or name.strip().lower() in _TIME_COLUMNS:
            continue
        vals, keep = _column(df[col], None if written is None else written[col])
        if not keep.any():  # no value written (or a text column): no tag
            continue
        rows.append(pd.DataFrame({"step": steps[keep].to_numpy(), "tag": name, "value": vals[keep].to_numpy()}))
    if not rows:
        return pd.DataFrame({"step": [], "tag": [], "value": []})
    return pd.concat(rows, ignore_index=True)


def _wandb(path: Path) -> pd.DataFrame:
    pd = _pandas()
    if path.name.lower().endswith(".parquet"):
        try:
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise DependencyError("reading parquet needs pyarrow: pip install 'gantheory[runs]'") from exc
        table = pq.read_table(path)
        df = table.to_pandas()  # a null and a NaN both become NaN here: arrow's validity tells them apart
        written = pd.DataFrame({name: np.asarray(table.column(name).is_valid()) for name in table.column_names},
                               index=df.index)
        return _wide_to_long(df, written)
    text = path.read_text()
    try:
        data = json.loads(text)
        rows = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    rows = [r if isinstance(r, dict) else {} for r in rows]
    df = pd.DataFrame(rows)
    # a key a row does not have (or null) is no point; a NaN/Infinity written there is one
    written = pd.DataFrame([{k: v is not None for k, v in r.items()} for r in rows], columns=df.columns,
                           index=df.index).fillna(False).astype(bool)
    return _wide_to_long(df, written)


# Cells that say "no value here" (not NaN: a logged NaN is written nan/NaN and is kept as a value).
_MISSING = ("", "NA", "N/A", "n/a", "NULL", "null", "None", "<NA>", "#N/A", "#NA")


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV where only the absent-cell tokens are NA: a column holding a written ``nan`` (a diverged loss)
    stays text, which :func:`_column` parses keeping the NaN; the other columns parse as floats, and their
    NaN are empty cells (Lightning's sparse rows)."""
    return _pandas().read_csv(path, keep_default_na=False, na_values=list(_MISSING), low_memory=False)


# TensorBoard's "download CSV" names a file run-<run>-tag-<tag>.csv, with "/" in the tag written "_"
_TB_EXPORT_NAME = re.compile(r"^run-(?P<run>.*)-tag-(?P<tag>.+)\.csv$", re.IGNORECASE)


def _csv_folder(path: Path, tags: Sequence[str] | None) -> pd.DataFrame:
    """A folder of CSV files: a TensorBoard export (``Wall time,Step,Value``) is the tag its file name gives
    (``run-.-tag-Loss_D.csv`` → ``Loss_D``; a requested ``Loss/D`` reads it, as the export writes "/" as "_";
    several runs → ``RUN/tag``); any other CSV gives its columns as ``STEM/column``."""
    pd = _pandas()
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    named = {}
    for f in files:
        m = _TB_EXPORT_NAME.match(f.name)
        named[f] = (m["run"], m["tag"]) if m else (None, f.stem)
    runs = {run for run, _ in named.values() if run is not None}
    alias = {t.replace("/", "_"): t for t in (tags or ()) if "/" in t}
    frames = []
    for f in files:
        raw = _read_csv(f)
        df = _wide_to_long(raw)
        run, tag = named[f]
        if {str(c).strip().lower() for c in raw.columns} == _TB_EXPORT:
            tag = alias.get(tag, tag)
            df = df.assign(tag=f"{run}/{tag}" if len(runs) > 1 and run not in (None, ".") else tag)
        else:
            df = df.assign(tag=[f"{f.stem}/{t}" for t in df["tag"]])
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _read(path: Path, kind: str, tags: Sequence[str] | None) -> pd.DataFrame:
    """The log as long rows (step, tag, value)."""
    if kind == "tensorboard":
        return _tensorboard(path)
    if kind == "csv" and path.is_dir():
        return _csv_folder(path, tags)
    if kind == "csv":
        raw = _read_csv(path)
        df = _wide_to_long(raw)
        if {str(c).strip().lower() for c in raw.columns} == _TB_EXPORT:  # TensorBoard's one-tag export
            wanted = set(tags) if tags else set()
            df = df.assign(tag=next(iter(wanted)) if len(wanted) == 1 else path.stem)
        return df
    return _wandb(path)


def read_log(path: str | Path, tags: Sequence[str] | None = None, *, format: str = "auto") -> dict[str, LogSeries]:
    """Every point of the scalar ``tags`` (all tags when None) of the log at ``path``.

    Raises:
        GanTheoryError: unknown format or tag (with the nearest tags), a missing path.
        DependencyError: pandas / tbparse / pyarrow missing (the ``runs`` extra).
    """
    path = Path(path)
    if not path.exists():
        raise GanTheoryError(f"parameter 'path': {path} does not exist")
    if format not in FORMATS:
        raise GanTheoryError(f"parameter 'format' must be one of {FORMATS}, got {format!r}")
    kind = _detect(path) if format == "auto" else format
    if kind != "tensorboard" and path.is_file() and path.stat().st_size == 0:
        raise GanTheoryError(f"parameter 'path': {path} is empty (no header, no rows)")
    try:
        df = _read(path, kind, tags)
    except (ValueError, UnicodeDecodeError) as exc:  # pandas' EmptyDataError/ParserError, JSONDecodeError
        raise GanTheoryError(f"parameter 'path': {path} cannot be read as {kind} ({type(exc).__name__}: {exc})") from exc
    known = list(dict.fromkeys(df["tag"].tolist()))
    if not known:
        raise GanTheoryError(f"parameter 'path': {path} holds no numeric scalar tag (no rows, or no numeric column)")
    wanted = list(tags) if tags else known
    out = {}
    for tag in wanted:
        if tag not in known:
            close = difflib.get_close_matches(tag, known, n=3, cutoff=0.3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise GanTheoryError(f"parameter 'tags': {tag!r} is not in {path.name}{hint} (tags found: "
                                 f"{', '.join(known[:20])}{', …' if len(known) > 20 else ''})")
        sub = df[df["tag"] == tag]
        out[tag] = LogSeries(tag, sub["step"].to_numpy(dtype=np.float64), sub["value"].to_numpy(dtype=np.float64), kind)
    return out
