"""``gantheory.audit`` is the function in every import order; the package is ``gantheory.loss_audit``."""

from __future__ import annotations

import subprocess
import sys

import pytest

ORDERS = {
    "function-first": ("import sys, gantheory; assert 'torch' not in sys.modules; f = gantheory.audit; "
                       "import gantheory.loss_audit.corpus; assert gantheory.audit is f"),
    "submodule-first": ("import gantheory.loss_audit.corpus; import gantheory; "
                        "from gantheory.loss_audit import audit; assert gantheory.audit is audit"),
    "from-import": ("from gantheory import audit; import gantheory.loss_audit.value, gantheory.loss_audit.diagnosis; "
                    "import gantheory; assert gantheory.audit is audit and callable(audit)"),
}


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_audit_is_the_function_in_every_import_order(order):
    pytest.importorskip("torch")
    code = ORDERS[order] + "; import types; assert isinstance(gantheory.audit, types.FunctionType)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_import_gantheory_is_torch_free():
    code = "import sys, gantheory; assert 'torch' not in sys.modules; assert 'audit' in gantheory.__all__"
    subprocess.run([sys.executable, "-c", code], check=True)
