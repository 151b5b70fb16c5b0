"""Compare a real training run with theory: divergence bounds from discriminator outputs, log readers, alarms.

- :class:`Monitor` (live training): held-out D outputs → V̂ with a confidence interval, a one-sided
  (1 − α) divergence lower bound, the equilibrium value, a C2ST and alarms.
- :func:`read_log` (logs that already exist): TensorBoard event files (every point, via tbparse), CSV
  (Lightning ``metrics.csv``, Keras ``CSVLogger``, plain), W&B exports (parquet, ``scan_history`` JSON).
- :func:`analyse_log`: the logged D/G losses against the convention's equilibrium, the implied (heuristic)
  bound over steps and the alarms; ``python -m verify runs PATH`` renders it.

Needs numpy/scipy; the log readers need the ``runs`` extra (``pip install 'gantheory[runs]'``: pandas,
pyarrow, tbparse).
"""

from __future__ import annotations

from gantheory.runs.alarms import ALARMS, CANNOT_CONCLUDE, Alarm
from gantheory.runs.analysis import RunAnalysis, analyse_log
from gantheory.runs.bounds import C2ST, c2st_test, js_mode_drop_shift, mode_drop_sample_size
from gantheory.runs.conventions import Convention, resolve_convention
from gantheory.runs.monitor import AuditedLoss, Bound, Monitor, audit_losses
from gantheory.runs.readers import LogSeries, read_log

__all__ = ["ALARMS", "C2ST", "CANNOT_CONCLUDE", "Alarm", "AuditedLoss", "Bound", "Convention", "LogSeries", "Monitor",
           "RunAnalysis", "analyse_log", "audit_losses", "c2st_test", "js_mode_drop_shift", "mode_drop_sample_size", "read_log",
           "resolve_convention"]
