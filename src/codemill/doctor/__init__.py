"""`codemill doctor`: check each configured component the way the troubleshooting FAQ does."""

from codemill.doctor.checks import CHECK_NAMES
from codemill.doctor.report import CheckResult, Status, render_table
from codemill.doctor.run import run_doctor

__all__ = ["CHECK_NAMES", "CheckResult", "Status", "render_table", "run_doctor"]
